/**
 * The key lives in this tab's sessionStorage only: gone when the tab closes, never sent as a
 * cookie, never put in a URL.
 */
export interface Session {
  token: string;
  isAdmin: boolean;
}

const KEY = 'parley.console.session';
const BUYER_KEYS = 'parley.console.buyer-keys';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(BUYER_KEYS);
}

/** Keys an admin minted to act as a buyer (sandbox), by buyer id, for this tab only. */
export function buyerKey(buyerId: number): string | null {
  const keys = JSON.parse(sessionStorage.getItem(BUYER_KEYS) ?? '{}') as Record<string, string>;
  return keys[String(buyerId)] ?? null;
}

export function saveBuyerKey(buyerId: number, token: string | null): void {
  const keys = JSON.parse(sessionStorage.getItem(BUYER_KEYS) ?? '{}') as Record<string, string>;
  if (token === null) delete keys[String(buyerId)];
  else keys[String(buyerId)] = token;
  sessionStorage.setItem(BUYER_KEYS, JSON.stringify(keys));
}

/** `sandbox` or `production`, written into the page by the server. */
export function parleyEnv(): string {
  return document.querySelector('meta[name="parley-env"]')?.getAttribute('content') ?? 'production';
}
