/**
 * The credential the agent signed in with (an API key or a bearer token), when the gateway requires
 * one. Kept in sessionStorage: it lasts for the tab (GraphiQL, opened from the dashboard, shares
 * it) and is gone when the tab closes.
 */
const KEY = 'customer360:credential';

export function readCredential(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function writeCredential(value: string | null): void {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
}

/** As HTTP headers; the gateway reads `Bearer <jwt>` as a token and any other bearer value as an API key. */
export function authorizationHeaders(): Record<string, string> {
  const credential = readCredential();
  return credential ? { authorization: `Bearer ${credential}` } : {};
}
