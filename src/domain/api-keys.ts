import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { unixNow } from './clock.js';
import { NotFoundError, UnauthenticatedError, ValidationError, type FieldErrors } from './errors.js';
import type { ApiKeyRecord, Store } from './ports.js';
import { actorFor, type Actor, type User } from './users.js';

/**
 * Tokens carry 256 random bits, so a single SHA-256 is a safe at-rest hash (no need for a slow KDF)
 * and lets a lookup go straight to a unique index.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function generateToken(): string {
  return `pk_${randomBytes(32).toString('base64url')}`;
}

export interface IssuedApiKey {
  key: ApiKeyRecord;
  /** Shown once; only its hash is stored. */
  token: string;
}

export function checkNewApiKey(input: { expires_at?: number | null }, now = unixNow()): FieldErrors {
  if (input.expires_at != null && input.expires_at <= now) return { expires_at: ['The expires at field must be a date after now.'] };
  return {};
}

export async function issueApiKey(
  store: Store,
  userId: number,
  input: { name: string; expires_at: number | null },
  now = unixNow(),
): Promise<IssuedApiKey> {
  const user = await store.users.findById(userId);
  if (!user) throw new NotFoundError();
  const errors = checkNewApiKey(input, now);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const token = generateToken();
  const key = await store.apiKeys.create({
    user_id: userId,
    name: input.name,
    token_hash: hashToken(token),
    expires_at: input.expires_at,
    created_at: now,
  });
  return { key, token };
}

export async function revokeApiKey(store: Store, id: number, now = unixNow()): Promise<void> {
  const key = await store.apiKeys.findById(id);
  if (!key || key.revoked_at !== null) throw new NotFoundError();
  await store.apiKeys.revoke(id, now);
}

/** Writing last_used_at on every request would cost a durable write per read; once a minute is enough. */
const TOUCH_INTERVAL_SECONDS = 60;

export class ApiKeyAuthenticator {
  private readonly lastTouched = new Map<number, number>();

  constructor(
    private readonly store: Store,
    private readonly admin: { token: string | null; user: User },
  ) {}

  /** Resolves an `Authorization` header value to the calling actor, or throws 401. */
  async authenticate(header: string | undefined, now = unixNow()): Promise<Actor> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) throw new UnauthenticatedError();
    const token = match[1]!;
    if (this.admin.token !== null && safeEqual(token, this.admin.token)) return actorFor(this.admin.user, null);

    const found = await this.store.apiKeys.findByTokenHash(hashToken(token));
    if (!found) throw new UnauthenticatedError();
    const { key, user } = found;
    if (key.revoked_at !== null) throw new UnauthenticatedError();
    if (key.expires_at !== null && key.expires_at <= now) throw new UnauthenticatedError();

    const touched = this.lastTouched.get(key.id) ?? key.last_used_at ?? 0;
    if (now - touched >= TOUCH_INTERVAL_SECONDS) {
      this.lastTouched.set(key.id, now);
      await this.store.apiKeys.touch(key.id, now);
    }
    return actorFor(user, key.id);
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
