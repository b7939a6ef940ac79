import { useId, useState, type FormEvent } from 'react';
import { ApiError, request, type SignedIn, type User } from './api.ts';
import { useTexts } from './i18n.tsx';

export function SignIn({ onSignedIn }: { onSignedIn: (user: User, csrfToken: string) => void }) {
  const tx = useTexts();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await request<SignedIn>('POST', '/api/v1/session', { username, password });
      onSignedIn(answer.user, answer.csrfToken);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : tx.t('app.networkError'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="sign-in card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{tx.t('signIn.title')}</h1>
      <p className="muted">{tx.t('signIn.intro')}</p>
      <form onSubmit={(e) => void submit(e)} aria-describedby={error ? errorId : undefined}>
        <label>
          <span>{tx.t('signIn.username')}</span>
          <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          <span>{tx.t('signIn.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error ? (
          <p id={errorId} role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {tx.t('signIn.submit')}
        </button>
      </form>
    </section>
  );
}
