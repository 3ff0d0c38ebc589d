import { useEffect, useRef, useState } from 'preact/hooks';
import { useRoute } from '../router.js';
import { clearSession, loadSession, parleyEnv, saveSession, type Session } from '../session.js';
import { OrderList } from './OrderList.js';
import { OrderPage } from './OrderPage.js';
import { SignIn } from './SignIn.js';

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const route = useRoute();
  const env = parleyEnv();
  const main = useRef<HTMLElement>(null);
  const firstRoute = useRef(true);
  // A new page moves focus to its content, so a screen reader starts there (not on the first load).
  useEffect(() => {
    if (firstRoute.current) firstRoute.current = false;
    else main.current?.focus();
  }, [route]);

  const signIn = (next: Session) => {
    saveSession(next);
    setSession(next);
  };
  const signOut = () => {
    clearSession();
    setSession(null);
    location.hash = '';
  };

  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a class="brand" href="#/">Parley console</a>
        {env === 'sandbox' && <span class="badge sandbox">sandbox</span>}
        {session && (
          <>
            <span class="badge" data-testid="signed-in-as">{session.isAdmin ? 'admin' : 'API key'}</span>
            <button type="button" class="link" onClick={signOut}>Sign out</button>
          </>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {!session ? (
          <SignIn onSignIn={signIn} />
        ) : route.page === 'order' ? (
          <OrderPage key={`${route.kind}:${route.id}`} session={session} kind={route.kind} id={route.id} sandbox={env === 'sandbox'} />
        ) : (
          <OrderList session={session} />
        )}
      </main>
    </>
  );
}
