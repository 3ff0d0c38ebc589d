/**
 * Answers as sent, by resource, each with the version of the resource it was built from: an
 * order's thread (its message count: a thread only ever grows, so the same count is the same
 * thread) or an order (its `version`, bumped by every update). A read checks the version in the
 * database first (one small read), so every instance stays exact; a hit skips reading,
 * converting and serializing the resource again: the polls a seller's bot runs most. Bounded in
 * characters, least recently used out first.
 */
export class AnswerCache {
  private readonly entries = new Map<string, { version: number; body: string }>();
  private size = 0;

  constructor(
    /** All bodies together, in characters. */
    private readonly maxChars = 4 * 1024 * 1024,
    /** A longer body is not kept (it would push out many short ones). */
    private readonly maxEntryChars = 256 * 1024,
  ) {}

  /** The body kept for `key` at exactly `version`. */
  get(key: string, version: number): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.version !== version) return undefined;
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.body;
  }

  set(key: string, version: number, body: string): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      // A slower read of an older version never replaces a newer one.
      if (old.version > version) return;
      this.entries.delete(key);
      this.size -= old.body.length;
    }
    if (body.length > this.maxEntryChars) return;
    this.entries.set(key, { version, body });
    this.size += body.length;
    for (const [oldest, entry] of this.entries) {
      if (this.size <= this.maxChars) break;
      this.entries.delete(oldest);
      this.size -= entry.body.length;
    }
  }

  /** Characters held (for tests). */
  get chars(): number {
    return this.size;
  }
}
