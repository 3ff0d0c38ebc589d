import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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

/** `now`: the application clock's Unix seconds (Clock.now). */
export function checkNewApiKey(input: { expires_at?: number | null }, now: number): FieldErrors {
  if (input.expires_at != null && input.expires_at <= now) return { expires_at: ['The expires at field must be a date after now.'] };
  return {};
}

export async function issueApiKey(
  store: Store,
  userId: number,
  input: { name: string; expires_at: number | null },
): Promise<IssuedApiKey> {
  const now = store.clock.now();
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

/** Revokes a key; answers its token hash, by which every instance's auth cache forgets it. */
export async function revokeApiKey(store: Store, id: number): Promise<string> {
  const key = await store.apiKeys.findById(id);
  if (!key || key.revoked_at !== null) throw new NotFoundError();
  return store.apiKeys.revoke(id, store.clock.now());
}

/** Writing last_used_at on every request would cost a durable write per read; once a minute is enough. */
const TOUCH_INTERVAL_SECONDS = 60;

/** Bounds the cache: the keys of this many recent callers stay resolved in memory. */
const AUTH_CACHE_MAX_ENTRIES = 10_000;

interface ResolvedKey {
  key: ApiKeyRecord;
  user: User;
  /** The actor every request with this key gets (read-only; built once per resolution). */
  actor: Actor;
  /**
   * Performance-clock ms after which the key is read from the database again: how long a
   * resolution is trusted is real elapsed time, not the application clock's.
   */
  freshUntil: number;
}

export interface AuthenticatorOptions {
  admin: { token: string | null; user: User };
  /**
   * How long a resolved key is trusted without reading it again. A revocation reaches every
   * instance at once through `forgetKey` (the change feed); this only bounds how long a change
   * made behind Parley's back (SQL by hand, or SQLite instances without a shared feed) takes.
   * 0 turns the cache off.
   */
  cacheSeconds: number;
}

export class ApiKeyAuthenticator {
  private readonly lastTouched = new Map<number, number>();
  /** token hash -> resolved key, in insertion order (oldest first) for eviction. */
  private readonly resolved = new Map<string, ResolvedKey>();
  /**
   * `Authorization` header value -> the SHA-256 of its token, for headers whose token resolved to
   * a key (a guessed token never gets in): hashing cost more than the rest of a cached
   * authentication, and the header's regular expression about 1% of a send. Pure, so never stale.
   */
  private readonly hashes = new Map<string, string>();
  /**
   * Counts forgets: a key read from the store before a forget may be the revoked key's last
   * unrevoked state, so it is not cached if a forget came while it was read.
   */
  private forgets = 0;

  private readonly adminToken: Buffer | null;

  constructor(
    private readonly store: Store,
    private readonly options: AuthenticatorOptions,
  ) {
    this.adminToken = options.admin.token === null ? null : Buffer.from(options.admin.token);
  }

  private isAdminToken(token: string): boolean {
    return this.adminToken !== null && safeEqual(token, this.adminToken);
  }

  /** Resolves an `Authorization` header value to the calling actor, or throws 401. */
  async authenticate(header: string | undefined): Promise<Actor> {
    if (header === undefined) throw new UnauthenticatedError('missing');
    const token = bearerToken(header);
    if (token === null) throw new UnauthenticatedError('malformed');
    if (this.isAdminToken(token)) return actorFor(this.options.admin.user, null);

    const tokenHash = this.hashes.get(header) ?? hashToken(token);
    const { key, actor } = await this.resolve(tokenHash);
    if (this.options.cacheSeconds > 0 && !this.hashes.has(header)) {
      if (this.hashes.size >= AUTH_CACHE_MAX_ENTRIES) this.hashes.clear();
      this.hashes.set(header, tokenHash);
    }
    const now = this.store.clock.now();
    const standing = this.standing(key, now);
    if (standing === 'refused') throw new UnauthenticatedError(key.revoked_at !== null ? 'revoked' : 'expired');
    if (standing === 'touch-due') {
      this.lastTouched.set(key.id, now);
      await this.store.apiKeys.touch(key.id, now);
    }
    return actor;
  }

  /**
   * What `authenticate` would answer, without waiting, for a key resolved and still fresh in the
   * cache, valid, and with no last-used time due; undefined for everything else (a miss, the admin
   * token, an error to throw, a touch to write), which `authenticate` then handles. Most requests
   * of a busy bot take this path: it saves the promises of the asynchronous one.
   */
  authenticateCached(header: string | undefined): Actor | undefined {
    // The admin token's header never enters `hashes` (authenticate answers it before caching anything).
    const tokenHash = header === undefined ? undefined : this.hashes.get(header);
    if (tokenHash === undefined) return undefined;
    const cached = this.freshlyResolved(tokenHash);
    return cached && this.standing(cached.key, this.store.clock.now()) === 'valid' ? cached.actor : undefined;
  }

  /** What a resolved key allows now: the request, a 401, or the request once its last-used time is written. */
  private standing(key: ApiKeyRecord, now: number): 'valid' | 'refused' | 'touch-due' {
    if (key.revoked_at !== null || (key.expires_at !== null && key.expires_at <= now)) return 'refused';
    const touched = this.lastTouched.get(key.id) ?? key.last_used_at ?? 0;
    return now - touched >= TOUCH_INTERVAL_SECONDS ? 'touch-due' : 'valid';
  }

  /** The cached resolution of a token hash, if it is still within the cache's time. */
  private freshlyResolved(tokenHash: string): ResolvedKey | undefined {
    const cached = this.resolved.get(tokenHash);
    return cached && cached.freshUntil > performance.now() ? cached : undefined;
  }

  /** Drops a key from the cache (it was revoked, here or on another instance). */
  forgetKey(tokenHash: string): void {
    this.forgets += 1;
    this.resolved.delete(tokenHash);
  }

  /** Drops every cached key (notifications may have been missed). */
  forgetAll(): void {
    this.forgets += 1;
    this.resolved.clear();
  }

  private async resolve(tokenHash: string): Promise<{ key: ApiKeyRecord; actor: Actor }> {
    const cached = this.freshlyResolved(tokenHash);
    if (cached) return cached;
    const resolvedAt = performance.now();
    const forgets = this.forgets;
    // Unknown tokens are not cached: a guessed token must not be able to fill the cache.
    const stored = await this.store.apiKeys.findByTokenHash(tokenHash);
    if (!stored) throw new UnauthenticatedError('unknown');
    const found = { ...stored, actor: actorFor(stored.user, stored.key.id) };
    if (this.options.cacheSeconds > 0 && found.key.revoked_at === null && this.forgets === forgets) {
      this.resolved.delete(tokenHash);
      if (this.resolved.size >= AUTH_CACHE_MAX_ENTRIES) {
        this.resolved.delete(this.resolved.keys().next().value!);
      }
      this.resolved.set(tokenHash, { ...found, freshUntil: resolvedAt + this.options.cacheSeconds * 1000 });
    }
    return found;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token of an `Authorization: Bearer <token>` header, or null. */
function bearerToken(header: string): string | null {
  return BEARER.exec(header)?.[1] ?? null;
}

/** Constant-time for equal lengths; the length itself is not secret. */
function safeEqual(candidate: string, secret: Buffer): boolean {
  if (Buffer.byteLength(candidate) !== secret.length) return false;
  return timingSafeEqual(Buffer.from(candidate), secret);
}
