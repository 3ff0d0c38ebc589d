import { useState } from 'preact/hooks';
import { ApiError, callApi, describeError } from '../api.js';
import type { Session } from '../session.js';

/** Admin keys pass the operator API's guard; any other key is refused there with a 403. */
async function isAdminKey(token: string): Promise<boolean> {
  try {
    await callApi(token, 'GET', '/admin/v1/users/0/webhook-endpoints');
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return false;
    if (error instanceof ApiError && error.status === 404) return true;
    throw error;
  }
}

export function SignIn(props: { onSignIn(session: Session): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const key = token.trim();
    if (key === '') return setError('Enter an API key or the admin token.');
    setBusy(true);
    setError(null);
    try {
      await callApi(key, 'GET', '/v2/account-orders?per_page=1');
      props.onSignIn({ token: key, isAdmin: await isAdminKey(key) });
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 401 ? 'This key is not valid (unknown, expired or revoked).' : describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p class="hint">Use a seller's or buyer's API key, or the admin token. It is kept in this tab only and forgotten when the tab closes.</p>
      <form onSubmit={submit}>
        <label for="token">API key or admin token</label>
        <input id="token" name="token" type="password" autoComplete="off" spellcheck={false} value={token}
          onInput={(e) => setToken(e.currentTarget.value)} aria-describedby={error ? 'sign-in-error' : undefined} />
        {error && <p id="sign-in-error" class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </section>
  );
}
