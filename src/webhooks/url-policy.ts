import { lookup } from 'node:dns/promises';
import type { UrlPolicy } from '../domain/webhook-endpoints.js';
import { isPublicAddress, literalAddress } from './address-policy.js';

export type ParleyEnv = 'sandbox' | 'production';

export const NOT_PUBLIC_MESSAGE = 'The url field must not point to a loopback, private or link-local address.';

/**
 * sandbox (the default) takes http and loopback URLs so developers can receive events locally;
 * production takes only https URLs whose host is, or resolves only to, public addresses. Delivery
 * checks the scheme and the address it actually connects to again (see http-sender.ts), so
 * endpoints stored under sandbox and DNS changes cannot slip through.
 */
export function createUrlPolicy(env: ParleyEnv): UrlPolicy {
  return async (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'The url field must be a valid URL.';
    }
    if (url.username || url.password) return 'The url field must not contain credentials.';
    if (env === 'sandbox') {
      return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'The url field must be an http or https URL.';
    }
    if (url.protocol !== 'https:') return 'The url field must be an https URL.';
    // WHATWG URL has already turned `2130706433`, `0x7f.1` or `[::ffff:127.0.0.1]` into one form.
    const literal = literalAddress(url.hostname);
    if (literal !== null) return isPublicAddress(literal) ? null : NOT_PUBLIC_MESSAGE;
    try {
      const addresses = await lookup(url.hostname, { all: true, verbatim: true });
      if (addresses.length === 0 || addresses.some((a) => !isPublicAddress(a.address))) return NOT_PUBLIC_MESSAGE;
    } catch {
      return 'The url field host does not resolve.';
    }
    return null;
  };
}
