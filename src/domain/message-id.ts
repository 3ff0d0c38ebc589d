import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32, as ULID
const RANDOM_DIGITS = 16; // 80 bits

/**
 * Random bytes are drawn 4 KB at a time: one call into the CSPRNG per 256 fresh ids instead of
 * one per id (it had been over 1% of a send's CPU).
 */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

let lastTime = -1;
const digits = new Uint8Array(RANDOM_DIGITS);

const TIME_DIGITS = 10;
/** The id's characters, as codes: one `String.fromCharCode` makes a flat string of them. */
const idCodes: number[] = new Array<number>(TIME_DIGITS + RANDOM_DIGITS).fill(0);
const ALPHABET_CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));

function encodeTime(ms: number): void {
  for (let i = TIME_DIGITS - 1; i >= 0; i--) {
    idCodes[i] = ALPHABET_CODES[ms % 32]!;
    ms = Math.floor(ms / 32);
  }
}

function freshRandom(): void {
  if (poolOffset + RANDOM_DIGITS > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  // 256 is a multiple of 32: each digit stays uniform.
  for (let i = 0; i < RANDOM_DIGITS; i++) digits[i] = pool[poolOffset + i]! % 32;
  // Used bytes are never handed out twice.
  poolOffset += RANDOM_DIGITS;
}

/** Increment the 80-bit random part so ids minted in the same millisecond still sort in order. */
function increment(): void {
  for (let i = RANDOM_DIGITS - 1; i >= 0; i--) {
    if (digits[i]! < 31) {
      digits[i]!++;
      return;
    }
    digits[i] = 0;
  }
  freshRandom(); // overflow after 2^80 ids in one ms: cannot happen in practice
}

/**
 * Message ids are ULIDs: 26 characters that sort lexically by creation time, monotonic within
 * a process, and unique across processes thanks to 80 random bits.
 */
export function newMessageId(nowMs = Date.now()): string {
  if (nowMs <= lastTime) {
    increment();
  } else {
    lastTime = nowMs;
    encodeTime(nowMs);
    freshRandom();
  }
  for (let i = 0; i < RANDOM_DIGITS; i++) idCodes[TIME_DIGITS + i] = ALPHABET_CODES[digits[i]!]!;
  // Built character by character with `+=`, the id was a chain of 26 concatenations (a ConsString),
  // flattened again by everything that read it: SQLite's binding, the reply's serializer.
  return String.fromCharCode(...idCodes);
}
