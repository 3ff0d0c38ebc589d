import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../support/api-client.js';
import type { TestUser } from '../support/fixtures.js';
import { startTestParley, testDialect, type TestParley } from '../support/parley.js';

/**
 * A seeded mutation fuzzer for the routes that take hostile input: the send, the credentials
 * PATCH, two admin creates and the order list's query string. Each target sends FUZZ_REQUESTS
 * mutated requests, one at a time, and checks every answer: never a 5xx, never a hang, every body
 * JSON with the documented shape (errors: `message` and `request_id`), 2xx bodies valid against
 * the served OpenAPI document (ApiClient checks that), and whatever a 2xx acknowledged reads
 * back the same through the API.
 *
 * Replay a failure with the seed it prints: PARLEY_FUZZ_SEED=<seed> npx vitest run --project
 * <sqlite|postgres> test/fuzz/send-and-admin.fuzz.test.ts. Without it every run picks a new seed.
 * PARLEY_FUZZ_REQUESTS sets the count per target; PARLEY_FUZZ_VERBOSE=1 prints the statuses seen.
 */
const SEED = process.env.PARLEY_FUZZ_SEED ? Number(process.env.PARLEY_FUZZ_SEED) : randomInt(2 ** 32);
const REQUESTS = Number(process.env.PARLEY_FUZZ_REQUESTS ?? 300);
const ANSWER_WITHIN_MS = 15_000;

/** mulberry32: small, fast and the same everywhere, so a seed replays exactly. */
function prng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]) => items[int(items.length)]!, chance: (p: number) => next() < p };
}

interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** Each target draws from its own stream, so one target's failure replays without the others. */
function rngFor(target: string): Rng {
  let hash = SEED >>> 0;
  for (const ch of target) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return prng(hash);
}

/** A JSON value, or raw JSON text for what JSON.stringify cannot write (1e400, 2^53 + 1, deep nesting). */
type Piece = { json: unknown } | { raw: string };

const nest = (levels: number, open: string, inner: string, close: string) => open.repeat(levels) + inner + close.repeat(levels);

const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', '\t\n ', '\u0000', 'a\u0000b', '%00', '\ud800', '\udc00', 'a\ud800b', '\ude00\ud83d', 'ok\ud83d',
  '\ud83d\ude00', '\u{10FFFF}', '\uFFFD', '\uFEFF x \u200B', '\u202Eevil', '\r\n\r\nHTTP/1.1 200 OK', 'x'.repeat(255), 'x'.repeat(256),
  'x'.repeat(10_000), 'x'.repeat(10_001), '\u{1F600}'.repeat(10_000), '\u{1F600}'.repeat(10_001), 'é'.repeat(5_000), 'x'.repeat(1_100_000),
  "'; drop table users; --", '<script>alert(1)</script>', 'null', 'true', '1e20', '-1e309', '9007199254740993', '0x10', ' 12.50 ',
  '10.005', '-3', 'pending', 'refunded', 'hours', 'https://example.com/a.png', 'javascript:alert(1)', '__proto__', 'constructor',
];
const HOSTILE_NUMBERS: readonly string[] = [
  '0', '-0', '1', '-1', '1.5', '1e20', '-1e20', '1e309', '-1e309', '1e-400', '9007199254740991', '9007199254740993', '-9007199254740993',
  '2147483648', '9223372036854775808', '18446744073709551616', '123456789012345678901234567890', '0.1e1', '5e-324',
];
const HOSTILE_KEYS: readonly string[] = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '\u0000', '\ud800', 'a.b', 'message[0]', 'x'.repeat(1000),
];
const BAD_BYTES: readonly number[][] = [[0xff], [0x80], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xfe], [0x00]];

function hostilePiece(rng: Rng): Piece {
  switch (rng.int(6)) {
    case 0:
    case 1:
      return { json: rng.pick(HOSTILE_STRINGS) };
    case 2:
      return { raw: rng.pick(HOSTILE_NUMBERS) };
    case 3:
      return {
        json: rng.pick<unknown>([true, false, null, [], {}, [1, 'a'], { a: 1 }, ['\ud800'], { nested: { deeper: ['\u0000'] } }, JSON.parse('{"__proto__":{"polluted":true}}'), { constructor: { prototype: { polluted: true } } }]),
      };
    case 4: {
      const levels = rng.pick([2, 100, 510, 511, 512, 600, 3000, 50_000]);
      return { raw: rng.chance(0.5) ? nest(levels, '[', '1', ']') : nest(levels, '{"a":', '1', '}') };
    }
    default:
      return { json: rng.pick(HOSTILE_STRINGS).slice(0, 300) + String.fromCharCode(rng.int(0x10000)) };
  }
}

type Fields = [string, Piece][];

function toJson(fields: Fields): string {
  return `{${fields.map(([key, piece]) => `${JSON.stringify(key)}:${'raw' in piece ? piece.raw : JSON.stringify(piece.json)}`).join(',')}}`;
}

/** %-encodes UTF-8 bytes (a lone surrogate would already be U+FFFD here, so bad bytes are added apart). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

const BAD_ESCAPES: readonly string[] = ['%FF', '%ED%A0%80', '%00', '%C0%AF', '%C3', '%', '%zz', '%E2%82', '+', '&', '=', '[', ']', '%5B%5D'];

function toForm(fields: Fields, rng: Rng): string {
  return fields
    .map(([key, piece]) => {
      const value = 'raw' in piece ? piece.raw : typeof piece.json === 'string' ? piece.json : JSON.stringify(piece.json);
      const encoded = percentEncode(value) + (rng.chance(0.3) ? rng.pick(BAD_ESCAPES) : '');
      return `${percentEncode(key)}=${encoded}`;
    })
    .join('&');
}

/** One mutated body: field-level changes, then sometimes byte-level ones, in one of several content types. */
function mutateBody(seed: Fields, rng: Rng): { body: Uint8Array; contentType: string | null } {
  const fields: Fields = seed.map(([k, v]) => [k, v]);
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const op = rng.int(4);
    if (op === 0 && fields.length > 0) fields[rng.int(fields.length)]![1] = hostilePiece(rng);
    else if (op === 1) fields.push([rng.pick(HOSTILE_KEYS), hostilePiece(rng)]);
    else if (op === 2 && fields.length > 0) fields.splice(rng.int(fields.length), 1);
    else fields.push([`extra_${rng.int(5)}`, hostilePiece(rng)]);
  }
  const shape = rng.next();
  if (shape < 0.12) return { body: Buffer.from(toForm(fields, rng)), contentType: 'application/x-www-form-urlencoded' };
  let body = Buffer.from(toJson(fields), 'utf8');
  if (rng.chance(0.25)) {
    const at = rng.int(body.length + 1);
    const kind = rng.int(3);
    if (kind === 0) body = Buffer.concat([body.subarray(0, at), Buffer.from(rng.pick(BAD_BYTES)), body.subarray(at)]);
    else if (kind === 1) body = body.subarray(0, at);
    else if (body.length > 0) body[Math.min(at, body.length - 1)] = rng.int(256);
  }
  const contentType = shape < 0.9
    ? 'application/json'
    : rng.pick([null, 'text/plain', 'application/json; charset=latin1', 'application/vnd.api+json', 'application/xml', 'multipart/form-data; boundary=x']);
  return { body, contentType };
}

const QUERY_KEYS: readonly string[] = [
  'page', 'per_page', 'sort', 'filter[status]', 'filter[search]', 'filter[id]', 'filter[buyer_id]', 'filter[game_id]', 'filter[created_at]',
  'filter[account_offer_id]', 'filter[status][]', 'filter[id][0]', 'filter%5Bsearch%5D', 'filter[', 'filter[]', 'filter[__proto__]',
  'filter[constructor]', '__proto__', 'constructor', 'sort[]', 'page[]', 'filter[search][a]',
];

function mutateQuery(rng: Rng): string {
  const pairs: string[] = ['page=1', 'per_page=15', 'sort=-id', 'filter[status]=pending', 'filter[search]=x', 'filter[created_at]=2024-01-01,2099-12-31'];
  for (let n = 1 + rng.int(4); n > 0; n--) {
    // At most 1,500 bytes a value: a request line past Node's 16 KiB header limit is a 431 for any
    // route (test/http/misc), which the document does not list per operation.
    const value = rng.chance(0.5) ? percentEncode(rng.pick(HOSTILE_STRINGS)).slice(0, 1500).replace(/%[0-9A-F]?$/, '') : rng.pick(HOSTILE_NUMBERS);
    const pair = `${rng.pick(QUERY_KEYS)}=${value}${rng.chance(0.4) ? rng.pick(BAD_ESCAPES) : ''}`;
    if (rng.chance(0.6) && pairs.length > 0) pairs[rng.int(pairs.length)] = pair;
    else pairs.push(pair);
  }
  return pairs.join('&');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function preview(body: Uint8Array | null, contentType: string | null): string {
  if (body === null) return '(no body)';
  const text = Buffer.from(body).toString('utf8');
  return `${contentType ?? '(no content type)'}, ${body.length} bytes: ${JSON.stringify(text.length > 400 ? `${text.slice(0, 400)}…` : text)}`;
}

let parley: TestParley;
let seller: TestUser;
let buyer: TestUser;
let gameId: number;
beforeAll(async () => {
  parley = await startTestParley();
  seller = await parley.fixtures.user('seller');
  buyer = await parley.fixtures.user('buyer');
  gameId = (await parley.fixtures.game()).id;
});
afterAll(() => parley?.close());

interface Sent {
  method: string;
  path: string;
  body: Uint8Array | null;
  contentType: string | null;
  token: string;
}

/**
 * Sends one request and checks what every answer must be; `readBack` checks a 2xx against what
 * the API reads afterwards. Any failure names the seed, the target, the request and its body.
 */
async function exchange(target: string, index: number, sent: Sent, readBack?: (res: ApiResponse) => Promise<void>): Promise<ApiResponse> {
  const where = () =>
    `fuzz seed ${SEED} (replay: PARLEY_FUZZ_SEED=${SEED} npx vitest run --project ${testDialect()} test/fuzz/send-and-admin.fuzz.test.ts), ` +
    `target ${target}, request #${index}: ${sent.method} ${sent.path.slice(0, 300)}, ${preview(sent.body, sent.contentType)}`;
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = parley.api.request(sent.method, sent.path, {
      token: sent.token,
      ...(sent.body === null ? {} : { raw: sent.body }),
      headers: sent.contentType === null ? {} : { 'content-type': sent.contentType },
    });
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
    });
    const res = await Promise.race([answer, hang]);
    expect(res.status, 'never a 5xx').toBeLessThan(500);
    const id = res.headers.get('x-gameboost-request-id');
    expect(id, 'X-GameBoost-Request-Id').toMatch(UUID);
    if (res.status >= 400) {
      expect(typeof res.body?.message, `error body ${res.text.slice(0, 300)}`).toBe('string');
      expect(res.body.request_id).toBe(id);
    } else if (readBack) {
      await readBack(res);
    }
    return res;
  } catch (error) {
    throw new Error(`${where()}\n${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a target: `count` requests from its own random stream; returns the statuses seen, for a sanity check. */
async function run(target: string, count: number, one: (rng: Rng, index: number) => Promise<ApiResponse>): Promise<Map<number, number>> {
  const rng = rngFor(target);
  const statuses = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const res = await one(rng, i);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  return statuses;
}

/** The fuzzer must reach the handlers, not only the parsers: some requests succeed, some are refused. */
function expectMixed(statuses: Map<number, number>): void {
  if (process.env.PARLEY_FUZZ_VERBOSE) console.log(JSON.stringify([...statuses].sort((a, b) => a[0] - b[0])));
  const ok = [...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0);
  const refused = [...statuses].filter(([s]) => s >= 400).reduce((n, [, c]) => n + c, 0);
  expect(ok, JSON.stringify([...statuses])).toBeGreaterThan(0);
  expect(refused, JSON.stringify([...statuses])).toBeGreaterThan(0);
}

describe(`fuzz (seed ${SEED}, ${REQUESTS} requests per target)`, () => {
  it('POST /v2/account-orders/{id}/messages', async () => {
    const order = await parley.fixtures.order(seller, buyer, { status: 'pending', game_id: gameId });
    const path = `/v2/account-orders/${order.id}/messages`;
    let lastId: string | null = null;
    const statuses = await run('send', REQUESTS, (rng, i) => {
      // Half the requests stay close to a valid send, so that 200s (and their read-backs) happen.
      const seed: Fields = [['message', { json: rng.chance(0.5) ? `hello ${i}` : rng.pick(HOSTILE_STRINGS) }]];
      const { body, contentType } = rng.chance(0.3) ? { body: Buffer.from(toJson(seed)), contentType: 'application/json' } : mutateBody(seed, rng);
      return exchange('send', i, { method: 'POST', path, body, contentType, token: seller.token }, async (res) => {
        const query = lastId === null ? 'limit=1' : `after=${lastId}&limit=1`;
        const read = await parley.api.get(`${path}?${query}`, { token: seller.token });
        expect(read.status).toBe(200);
        expect(read.body.data, 'the acknowledged message reads back the same').toEqual([res.body.data]);
        lastId = res.body.data.id;
      });
    });
    expectMixed(statuses);
  });

  it('PATCH /v2/account-orders/{id}/credentials', async () => {
    const order = await parley.fixtures.order(seller, buyer, { status: 'in_delivery', game_id: gameId, credentials: 'first' });
    const path = `/v2/account-orders/${order.id}/credentials`;
    const statuses = await run('credentials', REQUESTS, (rng, i) => {
      const seed: Fields = [['credentials', { json: rng.chance(0.5) ? `login: a${i} / pass: b` : rng.pick(HOSTILE_STRINGS) }]];
      const { body, contentType } = rng.chance(0.3) ? { body: Buffer.from(toJson(seed)), contentType: 'application/json' } : mutateBody(seed, rng);
      return exchange('credentials', i, { method: 'PATCH', path, body, contentType, token: seller.token }, async (res) => {
        const read = await parley.api.get(`/v2/account-orders/${order.id}`, { token: seller.token });
        expect(read.body.data, 'the acknowledged order reads back the same').toEqual(res.body.data);
      });
    });
    expectMixed(statuses);
  });

  it('POST /admin/v1/users', async () => {
    const statuses = await run('users', REQUESTS, (rng, i) => {
      const seed: Fields = [
        ['username', { json: `fuzz-${SEED}-${i}` }],
        ['role', { json: rng.pick(['seller', 'buyer', 'admin']) }],
      ];
      const { body, contentType } = mutateBody(seed, rng);
      return exchange('users', i, { method: 'POST', path: '/admin/v1/users', body, contentType, token: parley.adminToken }, async (res) => {
        const row = parley.readDb((db) => db.prepare('select id, username, role from users where id = ?').get(res.body.data.id));
        expect(row, 'the acknowledged user is stored as acknowledged').toEqual({ id: res.body.data.id, username: res.body.data.username, role: res.body.data.role });
      });
    });
    expectMixed(statuses);
  });

  it('POST /admin/v1/account-orders', async () => {
    const statuses = await run('orders', REQUESTS, (rng, i) => {
      const seed: Fields = [
        ['seller_id', { json: seller.id }],
        ['buyer_id', { json: buyer.id }],
        ['game_id', { json: gameId }],
        ['title', { json: `Fuzz order ${i}` }],
        ['price', { json: '10.00' }],
        ['description', { json: 'about it' }],
        ['parameters', { json: { server: 'EU', level: 30 } }],
        ['delivery_time', { json: { duration: 2, unit: 'hours' } }],
        ['credentials', { json: 'login: x' }],
        ['image_urls', { json: ['https://example.com/a.png'] }],
      ];
      const { body, contentType } = mutateBody(seed, rng);
      return exchange('orders', i, { method: 'POST', path: '/admin/v1/account-orders', body, contentType, token: parley.adminToken }, async (res) => {
        const read = await parley.api.get(`/v2/account-orders/${res.body.data.id}`, { token: parley.adminToken });
        expect(read.body.data, 'the acknowledged order reads back the same').toEqual(res.body.data);
      });
    });
    expectMixed(statuses);
  });

  it('GET /v2/account-orders?<query>', async () => {
    await parley.fixtures.order(seller, buyer, { status: 'pending', game_id: gameId, title: 'x marks the spot' });
    const statuses = await run('list', REQUESTS, (rng, i) =>
      exchange('list', i, { method: 'GET', path: `/v2/account-orders?${mutateQuery(rng)}`, body: null, contentType: null, token: seller.token }),
    );
    expectMixed(statuses);
  });
});
