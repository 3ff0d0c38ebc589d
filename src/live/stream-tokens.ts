import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { UnauthenticatedError } from '../domain/errors.js';
import type { OrderKind, Store } from '../domain/ports.js';
import { actorFor, type Actor } from '../domain/users.js';

const PREFIX = 'st_';

/** What a stream token stands for. */
export interface StreamGrant {
  actor: Actor;
  /** Only this order's stream; null: every stream of the user. */
  order: { kind: OrderKind; id: number } | null;
  /** Counted against the per-key stream limit: the key that minted the token. */
  subject: string;
}

interface Claims {
  /** User id. */
  u: number;
  /** API key id; null for the admin token. */
  k: number | null;
  o: [OrderKind, number] | null;
  /** Expiry, Unix milliseconds of the application clock. */
  e: number;
}

/** The per-key counter's name for an actor (as the rate limits name their subjects). */
export function streamSubject(actor: Actor): string {
  return actor.apiKeyId !== null ? `key:${actor.apiKeyId}` : `admin-token:${actor.user.id}`;
}

/**
 * Short-lived, signed stream tokens: `st_<claims>.<HMAC-SHA256>`, base64url. Nothing is stored:
 * any instance holding the same key (derived from PARLEY_ENCRYPTION_KEY or the key file) checks
 * them. A token names the user and the key that minted it; on use, the key must still be valid,
 * so revoking a key ends its tokens too.
 */
export class StreamTokens {
  private readonly key: Buffer;

  constructor(
    secret: Buffer,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {
    // A key of its own: a token's signature reveals nothing usable for the sealed values.
    this.key = createHmac('sha256', secret).update('parley stream tokens v1').digest();
  }

  mint(actor: Actor, order: { kind: OrderKind; id: number } | null): { token: string; expiresAtMs: number } {
    const expiresAtMs = this.clock.nowMs() + this.ttlSeconds * 1000;
    const claims: Claims = { u: actor.user.id, k: actor.apiKeyId, o: order ? [order.kind, order.id] : null, e: expiresAtMs };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${PREFIX}${body}.${this.sign(body)}`, expiresAtMs };
  }

  /** The grant of a token, or UnauthenticatedError for a forged, malformed or expired one, or one whose key no longer holds. */
  async resolve(store: Store, token: string): Promise<StreamGrant> {
    const claims = this.verify(token);
    if (claims === null || claims.e <= this.clock.nowMs()) throw new UnauthenticatedError();
    const user = await store.users.findById(claims.u);
    if (!user) throw new UnauthenticatedError();
    if (claims.k !== null) {
      const key = await store.apiKeys.findById(claims.k);
      const now = this.clock.now();
      if (!key || key.user_id !== user.id || key.revoked_at !== null || (key.expires_at !== null && key.expires_at <= now)) throw new UnauthenticatedError();
    } else if (user.role !== 'admin') {
      throw new UnauthenticatedError();
    }
    const actor = actorFor(user, claims.k);
    return { actor, order: claims.o ? { kind: claims.o[0], id: claims.o[1] } : null, subject: streamSubject(actor) };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  private verify(token: string): Claims | null {
    if (!token.startsWith(PREFIX)) return null;
    const [body, signature, extra] = token.slice(PREFIX.length).split('.');
    if (!body || !signature || extra !== undefined) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Claims;
      return typeof claims.u === 'number' && typeof claims.e === 'number' ? claims : null;
    } catch {
      return null;
    }
  }
}
