import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ACCOUNT_OFFERS_TABLE, bulkInsertAccountOffers } from './bulk-account-offers.js';
import { bulkInsertOrders, ORDERS_TABLE } from './bulk-orders.js';
import { ROOT, spawnServer, type ServerProcess } from './processes.js';

export const ADMIN_TOKEN = 'parley-bench-admin-token';

/** Parley with every rate limit off, no demo data, warnings only. */
export function startParley(name: string, databaseFile: string, env: Record<string, string> = {}, launcher: string[] = [], nodeFlags: string[] = []): Promise<ServerProcess> {
  return spawnServer(name, 'src/cli/main.ts', ['serve'], {
    DATABASE_URL: databaseFile,
    PARLEY_ADMIN_TOKEN: ADMIN_TOKEN,
    PARLEY_SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    PARLEY_RATE_LIMIT_READS: '0',
    PARLEY_RATE_LIMIT_WRITES: '0',
    PARLEY_RATE_LIMIT_CHAT: '0',
    PARLEY_RATE_LIMIT_RESOURCE_MINUTE: '0',
    PARLEY_RATE_LIMIT_RESOURCE_HOUR: '0',
    ...env,
  }, launcher, nodeFlags);
}

/** POST to the operator API; answers `data`, throws on anything but 2xx. */
export async function adminPost<T = Record<string, unknown>>(url: string, route: string, body: unknown): Promise<T> {
  const response = await fetch(`${url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${route} answered ${response.status}: ${text}`);
  return (JSON.parse(text) as { data: T }).data;
}

/** Mints a fresh key for a user (keys are shown once, so each run mints its own). */
export async function mintKey(url: string, userId: number, name: string): Promise<string> {
  return (await adminPost<{ token: string }>(url, `/admin/v1/users/${userId}/api-keys`, { name })).token;
}

/** The body every send scenario posts. */
export const SEND_BODY = JSON.stringify({ message: 'Hello from the benchmark: is the account ready?' });

/** A seller, a buyer, a game, a pending account order between them and a seller key: what a send scenario posts to. */
export async function createSendOrder(url: string, keyName: string): Promise<{ sellerId: number; orderId: number; token: string }> {
  const seller = await adminPost<{ id: number }>(url, '/admin/v1/users', { username: 'bench-seller', role: 'seller' });
  const buyer = await adminPost<{ id: number }>(url, '/admin/v1/users', { username: 'bench-buyer', role: 'buyer' });
  const game = await adminPost<{ id: number }>(url, '/admin/v1/games', { name: 'Bench Game', slug: 'bench-game' });
  const order = await adminPost<{ id: number }>(url, '/admin/v1/account-orders', {
    seller_id: seller.id, buyer_id: buyer.id, game_id: game.id, title: 'Bench account', price: '19.99', status: 'pending',
  });
  return { sellerId: seller.id, orderId: order.id, token: await mintKey(url, seller.id, keyName) };
}

export interface People {
  sellerId: number;
  buyerIds: number[];
  gameIds: number[];
}

/** The bench seller, `buyers` buyers and `games` games, through the admin API. */
export async function seedPeople(url: string, buyers: number, games: number): Promise<People> {
  const seller = await adminPost<{ id: number }>(url, '/admin/v1/users', { username: 'bench-seller', role: 'seller' });
  const buyerIds: number[] = [];
  for (let i = 1; i <= buyers; i++) {
    buyerIds.push((await adminPost<{ id: number }>(url, '/admin/v1/users', { username: `bench-buyer-${i}`, role: 'buyer' })).id);
  }
  const gameIds: number[] = [];
  for (let i = 1; i <= games; i++) {
    gameIds.push((await adminPost<{ id: number }>(url, '/admin/v1/games', { name: `Bench Game ${i}`, slug: `bench-game-${i}` })).id);
  }
  return { sellerId: seller.id, buyerIds, gameIds };
}

/** What a dataset holds: one seller's orders or one seller's account offers, each with its own generator. */
export interface DatasetKind {
  name: 'orders' | 'account-offers';
  /** Cache file names: `parley-bench-<prefix><rows>-<schema version>.sqlite` (orders keep the names they had). */
  prefix: string;
  table: string;
  /** The generator's source (under ROOT): part of the schema version. */
  generator: string;
  buyers: number;
  games: number;
  fill(file: string, people: People, count: number, now: number, onProgress: (inserted: number) => void): { firstId: number; lastId: number };
}

/** Orders over 50 buyers and 5 games (bench/bulk-orders.ts). */
export const ORDERS: DatasetKind = {
  name: 'orders',
  prefix: '',
  table: ORDERS_TABLE,
  generator: 'bench/bulk-orders.ts',
  buyers: 50,
  games: 5,
  fill: (file, people, count, now, onProgress) => bulkInsertOrders(file, { ...people, count, now }, onProgress),
};

/** New-format account offers over 5 games (bench/bulk-account-offers.ts). */
export const ACCOUNT_OFFERS: DatasetKind = {
  name: 'account-offers',
  prefix: 'account-offers-',
  table: ACCOUNT_OFFERS_TABLE,
  generator: 'bench/bulk-account-offers.ts',
  buyers: 1,
  games: 5,
  fill: (file, people, count, now, onProgress) => bulkInsertAccountOffers(file, { sellerId: people.sellerId, gameIds: people.gameIds, count, now }, onProgress),
};

export interface Dataset extends People {
  kind: DatasetKind['name'];
  file: string;
  /** Orders or account offers of the bench seller. */
  rows: number;
  firstId: number;
  lastId: number;
  schemaVersion: string;
  /** True when an existing cached database was used as is. */
  reused: boolean;
  buildSeconds: number | null;
}

/**
 * A stable name for the current schema and fixture generator: the schema objects Parley's
 * migrations create (read from a freshly migrated file), the applied migrations, and the source
 * of the dataset's generator (bench/bulk-orders.ts, bench/bulk-account-offers.ts). Any change to
 * one of them means a new cached database.
 */
export function schemaVersionOf(migratedFile: string, kind: DatasetKind = ORDERS): string {
  const db = new BetterSqlite3(migratedFile, { readonly: true });
  try {
    const objects = db
      .prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`)
      .all();
    const migrations = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`).get()
      ? db.prepare('SELECT name FROM kysely_migration ORDER BY name').all()
      : [];
    const generator = fs.readFileSync(path.join(ROOT, kind.generator), 'utf8');
    return createHash('sha256').update(JSON.stringify({ objects, migrations, generator })).digest('hex').slice(0, 16);
  } finally {
    db.close();
  }
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal', '.key', '.json', '.startup-lock']) fs.rmSync(`${file}${suffix}`, { force: true });
}

/** Migrates a new file through Parley, seeds people over HTTP, stops Parley, then bulk-loads the rows. */
async function build(kind: DatasetKind, file: string, rows: number, log: (line: string) => void): Promise<Omit<Dataset, 'schemaVersion' | 'reused'>> {
  const started = Date.now();
  removeDatabase(file);
  const parley = await startParley(`parley (seeding ${path.basename(file)})`, file);
  let people: People;
  try {
    people = await seedPeople(parley.url, kind.buyers, kind.games);
  } finally {
    await parley.stop();
  }
  const result = kind.fill(file, people, rows, Math.floor(Date.now() / 1000), (done) => {
    if (rows >= 100_000) log(`  inserted ${done.toLocaleString('en')} / ${rows.toLocaleString('en')} ${kind.name}`);
  });
  return { kind: kind.name, file, rows, ...people, firstId: result.firstId, lastId: result.lastId, buildSeconds: (Date.now() - started) / 1000 };
}

/** A fresh database with `rows` orders (or account offers) for the bench seller, in `dir`. */
export async function freshDataset(dir: string, rows: number, log: (line: string) => void, kind: DatasetKind = ORDERS): Promise<Dataset> {
  const file = path.join(dir, `${kind.name}-${rows}.sqlite`);
  const built = await build(kind, file, rows, log);
  return { ...built, schemaVersion: schemaVersionOf(file, kind), reused: false };
}

/**
 * The cached database with `rows` orders (or account offers) for `schemaVersion`, built once (into a `.building`
 * file renamed at the end, so an interrupted build is never reused) and then reused as is.
 * Runs add a few API keys to it and nothing else.
 */
export async function cachedDataset(
  cacheDir: string,
  rows: number,
  schemaVersion: string,
  options: { rebuild: boolean },
  log: (line: string) => void,
  kind: DatasetKind = ORDERS,
): Promise<Dataset> {
  const file = path.join(cacheDir, `parley-bench-${kind.prefix}${rows}-${schemaVersion}.sqlite`);
  const metaFile = `${file}.json`;
  if (!options.rebuild && fs.existsSync(file) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Omit<Dataset, 'reused'>;
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      const { n } = db.prepare(`SELECT count(*) AS n FROM ${kind.table} WHERE seller_id = ?`).get(meta.sellerId) as { n: number };
      if (meta.schemaVersion === schemaVersion && meta.kind === kind.name && meta.rows === rows && n === rows) {
        log(`  reusing cached database ${file} (built in ${meta.buildSeconds?.toFixed(0)} s)`);
        return { ...meta, file, reused: true };
      }
      log(`  cached database ${file} does not hold ${rows} ${kind.name} (${n}); rebuilding`);
    } catch (error) {
      log(`  cached database ${file} is unusable (${(error as Error).message}); rebuilding`);
    } finally {
      db.close();
    }
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  // Databases of other schema versions are dead weight (about 570 MB each): keep one.
  const stale = new RegExp(`^parley-bench-${kind.prefix}${rows}-(?!${schemaVersion})[0-9a-f]{16}\\.sqlite`);
  for (const name of fs.readdirSync(cacheDir)) {
    if (stale.test(name)) {
      fs.rmSync(path.join(cacheDir, name), { force: true });
      log(`  removed ${path.join(cacheDir, name)} (an older schema version)`);
    }
  }
  const building = `${file}.building`;
  log(`  building ${file} (${rows.toLocaleString('en')} ${kind.name}, once per schema version)`);
  try {
    const built = await build(kind, building, rows, log);
    removeDatabase(file);
    fs.renameSync(building, file);
    for (const suffix of ['-wal', '.key']) {
      if (fs.existsSync(`${building}${suffix}`)) fs.renameSync(`${building}${suffix}`, `${file}${suffix}`);
    }
    for (const suffix of ['-shm', '.startup-lock']) fs.rmSync(`${building}${suffix}`, { force: true });
    const dataset: Dataset = { ...built, file, schemaVersion, reused: false };
    fs.writeFileSync(metaFile, `${JSON.stringify({ ...dataset, reused: undefined }, null, 2)}\n`);
    return dataset;
  } catch (error) {
    removeDatabase(building);
    throw error;
  }
}
