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
let timePrefix = '';
const digits = new Uint8Array(RANDOM_DIGITS);

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
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
    timePrefix = encodeTime(nowMs);
    freshRandom();
  }
  let id = timePrefix;
  for (let i = 0; i < RANDOM_DIGITS; i++) id += ALPHABET[digits[i]!];
  return id;
}
