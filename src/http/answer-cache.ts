/**
 * Answers as sent, by resource, each with the version of the resource it was built from: an
 * order's thread (its message count: a thread only ever grows, so the same count is the same
 * thread), an order (its `version`, bumped by every update) or a seller's list page (the seller's
 * list version). A read checks the version in the database first (one small read), so every
 * instance stays exact; a hit skips reading, converting and serializing the resource again: the
 * polls a seller's bot runs most. Kept as the bytes that go out (no encoding per answer), bounded
 * in bytes, least recently used out first.
 */
export class AnswerCache {
  private readonly entries = new Map<string, { version: number; body: Buffer }>();
  private size = 0;

  constructor(
    /** All bodies together, in bytes. */
    private readonly maxBytes = 4 * 1024 * 1024,
    /** A longer body is not kept (it would push out many short ones). */
    private readonly maxEntryBytes = 256 * 1024,
  ) {}

  /** The body kept for `key` at exactly `version`. */
  get(key: string, version: number): Buffer | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.version !== version) return undefined;
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.body;
  }

  /** Keeps `body` for `key` at `version` (unless a newer version is kept); answers its bytes, to send. */
  set(key: string, version: number, body: string): Buffer {
    const bytes = Buffer.from(body, 'utf8');
    const old = this.entries.get(key);
    if (old !== undefined) {
      // A slower read of an older version never replaces a newer one.
      if (old.version > version) return bytes;
      this.entries.delete(key);
      this.size -= old.body.length;
    }
    if (bytes.length > this.maxEntryBytes) return bytes;
    this.entries.set(key, { version, body: bytes });
    this.size += bytes.length;
    for (const [oldest, entry] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.size -= entry.body.length;
    }
    return bytes;
  }

  /** The body kept for `key` at `version`, else the one `build` makes, kept. */
  async answer(key: string, version: number, build: () => Promise<string>): Promise<Buffer> {
    return this.get(key, version) ?? this.set(key, version, await build());
  }

  /** Bytes held (for tests). */
  get bytes(): number {
    return this.size;
  }
}
