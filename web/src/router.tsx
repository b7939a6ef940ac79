/** A small history router: the path and query of the address bar, and links that change them without a reload. */
import { createContext, useContext, useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export interface Place {
  readonly path: string;
  readonly params: URLSearchParams;
}

function here(): Place {
  return { path: location.pathname, params: new URLSearchParams(location.search) };
}

type Navigate = (to: string, options?: { replace?: boolean }) => void;

const RouterContext = createContext<{ place: Place; navigate: Navigate }>({ place: here(), navigate: () => {} });

export function Router({ children }: { children: React.ReactNode }) {
  const [place, setPlace] = useState(here);
  useEffect(() => {
    const onPop = () => setPlace(here());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate: Navigate = (to, options) => {
    if (options?.replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    setPlace(here());
  };
  return <RouterContext.Provider value={{ place, navigate }}>{children}</RouterContext.Provider>;
}

export function useRouter() {
  return useContext(RouterContext);
}

/** A link within the dashboard: a real <a href> (open in a new tab works), followed without a reload. */
export function Link({ to, children, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { navigate } = useRouter();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
