import { lookup } from 'node:dns/promises';
import type { UrlPolicy } from '../domain/webhook-endpoints.js';
import { isPublicAddress } from './address-policy.js';

export type ParleyEnv = 'sandbox' | 'production';

/**
 * sandbox (the default) takes http and loopback URLs so developers can receive events locally;
 * production takes only https URLs whose host resolves to public addresses. Delivery checks the
 * address it actually connects to again (see http-sender.ts), so DNS changes cannot slip through.
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
    const host = url.hostname.replace(/^\[|\]$/g, '');
    try {
      const addresses = await lookup(host, { all: true, verbatim: true });
      if (addresses.length === 0 || addresses.some((a) => !isPublicAddress(a.address))) {
        return 'The url field must not point to a loopback, private or link-local address.';
      }
    } catch {
      return 'The url field host does not resolve.';
    }
    return null;
  };
}
