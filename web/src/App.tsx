/**
 * The dashboard: sign-in, then a partner's page (partner accounts: their
 * own) or, for a program-admin, every partner, a partner's page and
 * imports; accounts for program-admins and partner-admins. Everything comes
 * from the public API (api.ts). Each page is its own chunk, loaded when
 * first opened. Signed in, the dashboard opens on the date chosen last in
 * the tab, else the latest date the data reaches ("data through …"), else
 * today; the date stays in the address (?asOf=).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, request, setApiLanguage, setCsrfToken, SIGNED_OUT_EVENT, type StoreSummary, type User, type WhoAmI } from './api.ts';
import { asIsoDate } from '../../src/engine/calendar.ts';
import { DataThroughContext, saveAsOf, savedAsOf, todayIso } from './dates.ts';
import { initialLocale, LOCALE_NAMES, LOCALES, saveLocale, texts, TextsContext, useTexts, type Locale } from './i18n.tsx';
import { LiveData, useDataVersion } from './live.tsx';
import { Link, useRouter } from './router.tsx';
import { SignIn } from './SignIn.tsx';
import { Loading } from './widgets.tsx';

const AdminView = lazy(() => import('./AdminView.tsx').then((m) => ({ default: m.AdminView })));
const PartnerView = lazy(() => import('./PartnerView.tsx').then((m) => ({ default: m.PartnerView })));
const ImportPage = lazy(() => import('./ImportPage.tsx').then((m) => ({ default: m.ImportPage })));
const UsersPage = lazy(() => import('./UsersPage.tsx').then((m) => ({ default: m.UsersPage })));

/** Who may open the accounts page. */
function managesAccounts(user: User): boolean {
  return user.role === 'program-admin' || user.role === 'partner-admin';
}

type Session = { state: 'loading' } | { state: 'anonymous' } | { state: 'signed-in'; user: User };

export function App() {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const tx = useMemo(() => texts(locale), [locale]);
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const { place, navigate } = useRouter();

  setApiLanguage(locale);
  useEffect(() => {
    document.documentElement.lang = locale;
    saveLocale(locale);
  }, [locale]);

  useEffect(() => {
    request<WhoAmI>('GET', '/api/v1/me')
      .then((me) => {
        setCsrfToken(me.csrfToken);
        setSession({ state: 'signed-in', user: me.user });
      })
      .catch(() => setSession({ state: 'anonymous' }));
  }, []);

  useEffect(() => {
    const onSignedOut = () => {
      setCsrfToken(null);
      setSession({ state: 'anonymous' });
    };
    addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, []);

  const signedIn = useCallback((user: User, csrfToken: string) => {
    setCsrfToken(csrfToken);
    setSession({ state: 'signed-in', user });
  }, []);

  const signOut = async () => {
    try {
      await request('DELETE', '/api/v1/session');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
    setCsrfToken(null);
    setSession({ state: 'anonymous' });
    // The date stays: signing in again opens on it.
    navigate(`/${keep}`);
  };

  const asOf = place.params.get('asOf') ?? '';
  const keep = asOf ? `?asOf=${asOf}` : '';

  let page: React.ReactNode;
  let title = tx.t('app.title');
  if (session.state === 'loading') page = <p role="status">{tx.t('app.loading')}</p>;
  else if (session.state === 'anonymous') {
    page = <SignIn onSignedIn={signedIn} />;
    title = tx.t('signIn.title');
  } else page = <Workspace user={session.user} />;

  useEffect(() => {
    document.title = `${title} · Attain`;
  }, [title]);

  return (
    <TextsContext.Provider value={tx}>
      <a className="skip-link" href="#main">
        {tx.t('app.skip')}
      </a>
      <header className="top">
        <div className="brand">
          <Link to={`/${keep}`} className="brand-link">
            Attain
          </Link>
          <span className="brand-sub">{tx.t('app.subtitle')}</span>
        </div>
        {session.state === 'signed-in' ? (
          <nav aria-label={tx.t('nav.label')}>
            <ul className="nav">
              {session.user.role === 'program-admin' ? (
                <>
                  <li>
                    <Link to={`/${keep}`} aria-current={place.path === '/' ? 'page' : undefined}>
                      {tx.t('nav.partners')}
                    </Link>
                  </li>
                  <li>
                    <Link to={`/import${keep}`} aria-current={place.path === '/import' ? 'page' : undefined}>
                      {tx.t('nav.import')}
                    </Link>
                  </li>
                </>
              ) : (
                <li>
                  <Link to={`/${keep}`} aria-current={place.path === '/' ? 'page' : undefined}>
                    {tx.t('nav.myPartner')}
                  </Link>
                </li>
              )}
              {managesAccounts(session.user) ? (
                <li>
                  <Link to={`/users${keep}`} aria-current={place.path === '/users' ? 'page' : undefined}>
                    {tx.t('nav.users')}
                  </Link>
                </li>
              ) : null}
              <li>
                <a href="/api/docs">{tx.t('nav.api')}</a>
              </li>
            </ul>
          </nav>
        ) : null}
        <div className="top-tools">
          <div className="locale field-inline">
            <label htmlFor="locale-select">{tx.t('app.language')}</label>
            <select id="locale-select" value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid="locale">
              {LOCALES.map((l) => (
                <option key={l} value={l} lang={l}>
                  {LOCALE_NAMES[l]}
                </option>
              ))}
            </select>
          </div>
          {session.state === 'signed-in' ? (
            <div className="who">
              <span>{tx.t('app.signedInAs', { username: session.user.username, role: tx.t(`role.${session.user.role}`) })}</span>
              <button type="button" className="secondary" onClick={() => void signOut()}>
                {tx.t('app.signOut')}
              </button>
            </div>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <LiveData enabled={session.state === 'signed-in'} locale={locale}>
          {page}
        </LiveData>
      </main>
    </TextsContext.Provider>
  );
}

/**
 * The signed-in pages: the as-of date settled first (the address's, else the
 * one chosen last in this tab, else the latest date with data, else today),
 * then the page of the address.
 */
function Workspace({ user }: { user: User }) {
  const tx = useTexts();
  const dataVersion = useDataVersion();
  const { place, navigate } = useRouter();
  const [summary, setSummary] = useState<StoreSummary | 'failed' | null>(null);

  useEffect(() => {
    let live = true;
    request<StoreSummary>('GET', '/api/v1/store-summary').then(
      (s) => live && setSummary(s),
      () => live && setSummary((known) => known ?? 'failed'),
    );
    return () => {
      live = false;
    };
  }, [user.username, dataVersion]);

  const given = asIsoDate(place.params.get('asOf') ?? '');
  const dataThrough = summary !== null && summary !== 'failed' ? (asIsoDate(summary.dataThrough ?? '') ?? null) : null;

  useEffect(() => {
    if (given) {
      saveAsOf(given);
      return;
    }
    if (summary === null) return;
    const params = new URLSearchParams(place.params);
    params.set('asOf', savedAsOf() ?? dataThrough ?? todayIso());
    navigate(`${place.path}?${params.toString()}`, { replace: true });
  }, [given, summary, place.path]);

  if (!given) return <Loading />;
  let page: React.ReactNode;
  const partnerMatch = /^\/partners\/([^/]+)\/?$/.exec(place.path);
  if (partnerMatch) page = <PartnerView partnerId={decodeURIComponent(partnerMatch[1]!)} user={user} />;
  else if (place.path === '/import' && user.role === 'program-admin') page = <ImportPage />;
  else if (place.path === '/users' && managesAccounts(user)) page = <UsersPage user={user} />;
  else if (user.role === 'program-admin') page = <AdminView />;
  else if (user.partnerId) page = <PartnerView partnerId={user.partnerId} user={user} />;
  else page = <p role="alert">{tx.t('app.noPartner')}</p>;
  return (
    <DataThroughContext.Provider value={dataThrough}>
      <Suspense fallback={<Loading />}>{page}</Suspense>
    </DataThroughContext.Provider>
  );
}
