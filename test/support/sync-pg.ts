import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/**
 * A synchronous PostgreSQL connection for test assertions, so that the suites can keep
 * better-sqlite3's synchronous `prepare(sql).get()` style on both dialects. One connection lives
 * in a worker thread; each query blocks the calling thread (Atomics.wait) until the worker has
 * the answer. The server under test runs on its own connections and is not blocked by this:
 * PostgreSQL answers the worker whatever the main thread is doing.
 */
export interface SyncPgResult {
  rows: Array<Record<string, unknown>>;
  rowCount: number;
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
const { port, signal, url } = workerData;
// bigint (int8) and numeric as numbers, as better-sqlite3 returns SQLite's INTEGER.
const types = { getTypeParser: (oid, format) => (oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, format)) };
const client = new pg.Client({ connectionString: url, types, connectionTimeoutMillis: 10000 });
client.on('error', () => undefined);
const connected = client.connect();
function answer(message) {
  port.postMessage(message);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
port.on('message', async (request) => {
  if (request.close) {
    await client.end().catch(() => undefined);
    answer({ id: request.id, closed: true });
    return;
  }
  try {
    await connected;
    const result = await client.query(request.sql);
    answer({ id: request.id, rows: result.rows, rowCount: result.rowCount ?? 0 });
  } catch (error) {
    answer({ id: request.id, error: String(error && error.message || error) });
  }
});
`;

const TIMEOUT_MS = 30_000;

export class SyncPg {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;
  private sequence = 0;

  constructor(url: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const pgPath = createRequire(import.meta.url).resolve('pg');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, signal: this.signal, url, pgPath },
      transferList: [port2],
    });
    this.worker.unref();
  }

  /**
   * Each request carries an id and its answer echoes it: an answer is only ever taken by its own
   * call. The wait is re-armed in short steps rather than trusted once: a wake-up that found no
   * message yet (seen once under load, after which every later query read its predecessor's
   * answer) now just waits on.
   */
  private call(request: { sql: string } | { close: true }): Record<string, unknown> {
    const id = ++this.sequence;
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage({ ...request, id });
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const message = receiveMessageOnPort(this.port)?.message as Record<string, unknown> | undefined;
      if (message?.id === id) return message;
      if (message) continue; // the answer to an earlier call that gave up
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`PostgreSQL did not answer within ${TIMEOUT_MS} ms`);
      Atomics.wait(this.signal, 0, 0, Math.min(left, 50));
      Atomics.store(this.signal, 0, 0);
    }
  }

  query(sql: string): SyncPgResult {
    if (this.closed) throw new Error('the PostgreSQL test connection is closed');
    const message = this.call({ sql });
    if (typeof message.error === 'string') throw new Error(`${message.error}\n  in: ${sql}`);
    return message as unknown as SyncPgResult;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.call({ close: true });
    } finally {
      this.port.close();
      void this.worker.terminate();
    }
  }
}
