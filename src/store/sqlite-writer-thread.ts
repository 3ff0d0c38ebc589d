import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { unixNow } from '../domain/clock.js';
import type { DomainEvent } from '../domain/events.js';
import type { OrderMessageSender } from '../domain/order-chat.js';
import type { MessageRecord, OrderKind } from '../domain/ports.js';
import type { Actor } from '../domain/users.js';
import { WRITER_THREAD, type SqliteWriteLock } from './sqlite-write-lock.js';
import { deserializeError, type SendRequest, type WriterThreadData, type WriterThreadMessage } from './sqlite-writer-protocol.js';

export interface SqliteWriterThreadOptions {
  file: string;
  writeLock: SqliteWriteLock;
  encryptionKey: Buffer;
  /** Told of a send's committed events before its promise resolves (the change feed's source). */
  onCommitted: (events: DomainEvent[]) => void;
  /** Told when the thread died and was started again. */
  onRestart: (error: Error) => void;
}

interface Pending {
  resolve: (message: MessageRecord) => void;
  reject: (error: Error) => void;
}

const WORKER_YOUNG_GENERATION_MB = 4;
const CLOSE_WAIT_MS = 10_000;

/** The worker's module: compiled JavaScript next to this file, or TypeScript under a loader (tests, tsx). */
function workerSource(): { entry: URL | string; eval: boolean } {
  const entry = new URL(`./sqlite-writer-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (!entry.pathname.endsWith('.ts')) return { entry, eval: false };
  // Node 20 does not hand a worker its parent's loader: the worker registers tsx, then imports.
  // require.resolve finds the CommonJS build of tsx's API; its ES module build sits beside it.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return { entry: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`, eval: true };
}

/**
 * The main thread's side of the SQLite writer thread: sends are posted to it (one post per
 * event-loop turn), it commits them in group-commit batches on its own connection, and each
 * promise settles with the outcome once the batch has committed. A 200 built from a resolved
 * send is on disk, exactly as with the in-thread group commit.
 *
 * If the thread dies, the sends it had not answered fail (their transaction died uncommitted
 * with its connection), the write lock is freed if the thread held it, and a new thread starts.
 */
export class SqliteWriterThread implements OrderMessageSender {
  private worker!: Worker;
  private ready!: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private outgoing: SendRequest[] = [];
  private seq = 0;
  private closing = false;
  /** Set when a replacement thread could not start: sends fail with it from then on. */
  private broken: Error | null = null;

  private constructor(private readonly options: SqliteWriterThreadOptions) {
    this.spawn();
  }

  static async start(options: SqliteWriterThreadOptions): Promise<SqliteWriterThread> {
    const thread = new SqliteWriterThread(options);
    await thread.ready;
    return thread;
  }

  private spawn(): void {
    const source = workerSource();
    const data: WriterThreadData = {
      file: this.options.file,
      writeLock: this.options.writeLock.buffer,
      encryptionKey: new Uint8Array(this.options.encryptionKey),
    };
    const worker = new Worker(source.entry, {
      eval: source.eval,
      workerData: data,
      // It allocates little (a batch's rows and outcomes): a small young generation keeps its
      // heap, and the process's memory, small.
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.worker = worker;
    let started = false;
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: WriterThreadMessage) => {
        if (message.type === 'ready') {
          started = true;
          resolve();
        } else {
          if (message.events.length > 0) this.options.onCommitted(message.events);
          this.settle(message.outcomes);
        }
      };
      worker.on('message', onMessage);
      let failure: Error | null = null;
      worker.on('error', (error) => {
        failure = error;
      });
      worker.once('exit', (code) => {
        const error = failure ?? new Error(`the SQLite writer thread exited (code ${code})`);
        reject(error);
        this.lost(error, started);
      });
    });
    // A start that fails is the start()'s caller's to see; a later death is handled by lost().
    this.ready.catch(() => undefined);
  }

  private lost(error: Error, hadStarted: boolean): void {
    // Its connection died with it; so did the transaction it had open. Free the lock it held.
    this.options.writeLock.releaseIfHeldBy(WRITER_THREAD);
    const failed = new Error('the SQLite writer thread stopped before committing this message', { cause: error });
    for (const { reject } of this.pending.values()) reject(failed);
    this.pending.clear();
    if (this.closing) return;
    if (!hadStarted) {
      // A thread that cannot even start would fail again at once: no restart loop.
      this.broken = error;
      for (const request of this.outgoing) this.pending.get(request.seq)?.reject(failed);
      this.outgoing = [];
      this.pending.clear();
      return;
    }
    this.options.onRestart(error);
    this.spawn();
    // Sends queued while it was down go to the new thread once it is up.
    if (this.outgoing.length > 0) void this.ready.then(() => this.flush(), () => undefined);
  }

  send(actor: Actor, kind: OrderKind, id: number, text: string): Promise<MessageRecord> {
    if (this.closing) return Promise.reject(new Error('the SQLite writer thread is closing'));
    if (this.broken) return Promise.reject(new Error('the SQLite writer thread could not be restarted', { cause: this.broken }));
    return new Promise<MessageRecord>((resolve, reject) => {
      const seq = ++this.seq;
      this.pending.set(seq, { resolve, reject });
      this.outgoing.push({ seq, actor, kind, id, text, now: unixNow() });
      // The requests parsed in this turn of the event loop travel in one post.
      if (this.outgoing.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    if (this.outgoing.length === 0) return;
    const requests = this.outgoing;
    this.outgoing = [];
    this.worker.postMessage(requests);
  }

  private settle(outcomes: Extract<WriterThreadMessage, { type: 'outcomes' }>['outcomes']): void {
    for (const outcome of outcomes) {
      const pending = this.pending.get(outcome.seq);
      if (!pending) continue;
      this.pending.delete(outcome.seq);
      if (outcome.ok) {
        pending.resolve(outcome.message);
      } else {
        pending.reject(deserializeError(outcome.error));
      }
    }
  }

  /** Sends in flight when the thread dies fail; for tests of exactly that. */
  async kill(): Promise<void> {
    await this.worker.terminate();
  }

  /** Waits (up to 10 s) for the sends in flight, then stops the thread (closing its connection). */
  async close(): Promise<void> {
    this.closing = true;
    this.flush();
    const deadline = Date.now() + CLOSE_WAIT_MS;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.worker.terminate();
  }
}
