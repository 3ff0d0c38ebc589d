import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32, as ULID
const RANDOM_DIGITS = 16; // 80 bits

/**
 * Random bytes are drawn 4 KB at a time: one call into the CSPRNG per 256 fresh ids instead of
 * one per id (it had been over 1% of a send's CPU).
 */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

const TIME_DIGITS = 10;
const ALPHABET_CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));

/**
 * Message ids are ULIDs: 26 characters that sort lexically by creation time, monotonic per
 * generator (one per application: Store.messageIds), and unique across processes thanks to 80
 * random bits. Each generator keeps its own last time, so an application on a clock of its own
 * (a test's) mints ids from that clock, whatever another one in the same process has minted.
 */
export class MessageIdGenerator {
  private lastTime = -1;
  private readonly digits = new Uint8Array(RANDOM_DIGITS);
  /** The id's characters, as codes: one `String.fromCharCode` makes a flat string of them. */
  private readonly codes: number[] = new Array<number>(TIME_DIGITS + RANDOM_DIGITS).fill(0);

  /** `nowMs`: the application clock's reading (Clock.nowMs), the one the record's own timestamp comes from. */
  next(nowMs: number): string {
    if (nowMs <= this.lastTime) {
      this.increment();
    } else {
      this.lastTime = nowMs;
      this.encodeTime(nowMs);
      this.freshRandom();
    }
    const { digits, codes } = this;
    for (let i = 0; i < RANDOM_DIGITS; i++) codes[TIME_DIGITS + i] = ALPHABET_CODES[digits[i]!]!;
    // Built character by character with `+=`, the id was a chain of 26 concatenations (a ConsString),
    // flattened again by everything that read it: SQLite's binding, the reply's serializer.
    return String.fromCharCode(...codes);
  }

  /**
   * Ids from now on are minted from no earlier time than `ms`: a clock set back (the sandbox's
   * reset) must not mint ids that sort before ones already handed out. Ids minted at or below
   * the floor keep its time and count up in their random part, as within one millisecond.
   */
  raiseFloor(ms: number): void {
    if (ms <= this.lastTime) return;
    this.lastTime = ms;
    this.encodeTime(ms);
    this.freshRandom();
  }

  private encodeTime(ms: number): void {
    for (let i = TIME_DIGITS - 1; i >= 0; i--) {
      this.codes[i] = ALPHABET_CODES[ms % 32]!;
      ms = Math.floor(ms / 32);
    }
  }

  private freshRandom(): void {
    if (poolOffset + RANDOM_DIGITS > pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    // 256 is a multiple of 32: each digit stays uniform.
    for (let i = 0; i < RANDOM_DIGITS; i++) this.digits[i] = pool[poolOffset + i]! % 32;
    // Used bytes are never handed out twice.
    poolOffset += RANDOM_DIGITS;
  }

  /** Increment the 80-bit random part so ids minted in the same millisecond still sort in order. */
  private increment(): void {
    const digits = this.digits;
    for (let i = RANDOM_DIGITS - 1; i >= 0; i--) {
      if (digits[i]! < 31) {
        digits[i]!++;
        return;
      }
      digits[i] = 0;
    }
    this.freshRandom(); // overflow after 2^80 ids in one ms: cannot happen in practice
  }
}
