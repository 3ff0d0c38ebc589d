import { createHmac, timingSafeEqual } from 'node:crypto';
import type { webhooks } from './schema.js';

/** Every webhook body Parley sends, `{"event": topic, "payload": ...}`, by topic. */
export type WebhookEvent = {
  [T in keyof webhooks]: webhooks[T] extends { post: { requestBody: { content: { 'application/json': infer B } } } } ? B : never;
}[keyof webhooks];
export type WebhookTopic = keyof webhooks;

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** How far the Standard Webhooks timestamp may be from now (default 300 s). */
  toleranceSeconds?: number;
  /** Unix seconds to check the timestamp against (default: now). */
  now?: number;
}

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Standard Webhooks keys are the base64 after `whsec_`; any other secret is used as its UTF-8 bytes. */
function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks a delivery's signature and answers its parsed body; throws WebhookVerificationError when
 * no signature matches. `rawBody` must be the bytes as received (re-serialized JSON will not
 * match). With the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) those are checked, timestamp included; otherwise the GameBoost `Signature`
 * (hex HMAC-SHA256 of the body) or `X-GameBoost-Signature` (a comma list, during a rotation).
 * `secret` may be a list: every secret of an endpoint whose secret is being rotated.
 */
export function verifyWebhook(rawBody: string | Uint8Array, headers: HeaderBag, secret: string | string[], options: VerifyOptions = {}): WebhookEvent {
  const body = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  const secrets = (Array.isArray(secret) ? secret : [secret]).filter((s) => s !== '');
  if (secrets.length === 0) throw new WebhookVerificationError('No webhook secret given');
  const standard = header(headers, 'webhook-signature');
  if (standard !== undefined) {
    const id = header(headers, 'webhook-id');
    const timestamp = Number(header(headers, 'webhook-timestamp'));
    if (!id || !Number.isInteger(timestamp)) throw new WebhookVerificationError('webhook-id or webhook-timestamp is missing');
    const now = options.now ?? Math.floor(Date.now() / 1000);
    if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) throw new WebhookVerificationError('webhook-timestamp is too far from now');
    const given = standard.split(' ').map((s) => s.split(',')).filter(([version]) => version === 'v1').map(([, sig]) => sig ?? '');
    const matches = secrets.some((s) => {
      const expected = createHmac('sha256', standardKey(s)).update(`${id}.${timestamp}.${body}`).digest('base64');
      return given.some((sig) => same(sig, expected));
    });
    if (!matches) throw new WebhookVerificationError('No webhook-signature matches');
  } else {
    const given = [header(headers, 'signature'), ...(header(headers, 'x-gameboost-signature')?.split(',') ?? [])]
      .filter((s): s is string => s !== undefined && s !== '').map((s) => s.trim());
    if (given.length === 0) throw new WebhookVerificationError('No signature header');
    const matches = secrets.some((s) => {
      const expected = createHmac('sha256', s).update(body).digest('hex');
      return given.some((sig) => same(sig, expected));
    });
    if (!matches) throw new WebhookVerificationError('No signature matches');
  }
  try {
    return JSON.parse(body) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError('The body is not JSON');
  }
}
