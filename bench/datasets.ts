import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
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

export interface Dataset extends People {
  file: string;
  orders: number;
  firstOrderId: number;
  lastOrderId: number;
  schemaVersion: string;
  /** True when an existing cached database was used as is. */
  reused: boolean;
  buildSeconds: number | null;
}

/**
 * A stable name for the current schema and fixture generator: the schema objects Parley's
 * migrations create (read from a freshly migrated file), the applied migrations, and the source
 * of bench/bulk-orders.ts. Any change to one of them means a new cached 1M database.
 */
export function schemaVersionOf(migratedFile: string): string {
  const db = new BetterSqlite3(migratedFile, { readonly: true });
  try {
    const objects = db
      .prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`)
      .all();
    const migrations = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`).get()
      ? db.prepare('SELECT name FROM kysely_migration ORDER BY name').all()
      : [];
    const generator = fs.readFileSync(path.join(ROOT, 'bench/bulk-orders.ts'), 'utf8');
    return createHash('sha256').update(JSON.stringify({ objects, migrations, generator })).digest('hex').slice(0, 16);
  } finally {
    db.close();
  }
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal', '.key', '.json']) fs.rmSync(`${file}${suffix}`, { force: true });
}

const BUYERS = 50;
const GAMES = 5;

/** Migrates a new file through Parley, seeds people over HTTP, stops Parley, then bulk-loads orders. */
async function build(file: string, orders: number, log: (line: string) => void): Promise<Omit<Dataset, 'schemaVersion' | 'reused'>> {
  const started = Date.now();
  removeDatabase(file);
  const parley = await startParley(`parley (seeding ${path.basename(file)})`, file);
  let people: People;
  try {
    people = await seedPeople(parley.url, BUYERS, GAMES);
  } finally {
    await parley.stop();
  }
  const result = bulkInsertOrders(file, { ...people, count: orders, now: Math.floor(Date.now() / 1000) }, (done) => {
    if (orders >= 100_000) log(`  inserted ${done.toLocaleString('en')} / ${orders.toLocaleString('en')} orders`);
  });
  return { file, orders, ...people, firstOrderId: result.firstId, lastOrderId: result.lastId, buildSeconds: (Date.now() - started) / 1000 };
}

/** A fresh database with `orders` orders for the bench seller, in `dir`. */
export async function freshDataset(dir: string, orders: number, log: (line: string) => void): Promise<Dataset> {
  const file = path.join(dir, `orders-${orders}.sqlite`);
  const built = await build(file, orders, log);
  return { ...built, schemaVersion: schemaVersionOf(file), reused: false };
}

/**
 * The cached database with `orders` orders for `schemaVersion`, built once (into a `.building`
 * file renamed at the end, so an interrupted build is never reused) and then reused as is.
 * Runs add a few API keys to it and nothing else.
 */
export async function cachedDataset(
  cacheDir: string,
  orders: number,
  schemaVersion: string,
  options: { rebuild: boolean },
  log: (line: string) => void,
): Promise<Dataset> {
  const file = path.join(cacheDir, `parley-bench-${orders}-${schemaVersion}.sqlite`);
  const metaFile = `${file}.json`;
  if (!options.rebuild && fs.existsSync(file) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Omit<Dataset, 'reused'>;
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      const { n } = db.prepare(`SELECT count(*) AS n FROM ${ORDERS_TABLE} WHERE seller_id = ?`).get(meta.sellerId) as { n: number };
      if (meta.schemaVersion === schemaVersion && n === orders) {
        log(`  reusing cached database ${file} (built in ${meta.buildSeconds?.toFixed(0)} s)`);
        return { ...meta, file, reused: true };
      }
      log(`  cached database ${file} does not hold ${orders} orders (${n}); rebuilding`);
    } catch (error) {
      log(`  cached database ${file} is unusable (${(error as Error).message}); rebuilding`);
    } finally {
      db.close();
    }
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  // Databases of other schema versions are dead weight (about 570 MB each): keep one.
  const stale = new RegExp(`^parley-bench-${orders}-(?!${schemaVersion})[0-9a-f]{16}\\.sqlite`);
  for (const name of fs.readdirSync(cacheDir)) {
    if (stale.test(name)) {
      fs.rmSync(path.join(cacheDir, name), { force: true });
      log(`  removed ${path.join(cacheDir, name)} (an older schema version)`);
    }
  }
  const building = `${file}.building`;
  log(`  building ${file} (${orders.toLocaleString('en')} orders, once per schema version)`);
  try {
    const built = await build(building, orders, log);
    removeDatabase(file);
    fs.renameSync(building, file);
    for (const suffix of ['-wal', '.key']) {
      if (fs.existsSync(`${building}${suffix}`)) fs.renameSync(`${building}${suffix}`, `${file}${suffix}`);
    }
    fs.rmSync(`${building}-shm`, { force: true });
    const dataset: Dataset = { ...built, file, schemaVersion, reused: false };
    fs.writeFileSync(metaFile, `${JSON.stringify({ ...dataset, reused: undefined }, null, 2)}\n`);
    return dataset;
  } catch (error) {
    removeDatabase(building);
    throw error;
  }
}
