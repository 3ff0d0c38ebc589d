/**
 * The SQLite writer thread's entry (started by SqliteWriterThread). It owns a second writer
 * connection on the same file and runs the chat's sends there, through the same domain function
 * and the same group commit as the main thread would, so the commit's fsync blocks this thread
 * instead of the event loop that serves requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sendOrderMessage } from '../domain/order-chat.js';
import type { DomainEvent } from '../domain/events.js';
import { formatWebhookEvent } from '../contract/webhook-events.js';
import { CredentialCipher } from './credential-cipher.js';
import { openSqliteWriter } from './database.js';
import { GroupCommitter } from './group-commit.js';
import { hotQueries } from './hot-queries.js';
import { createKyselyStore, type StoreOptions } from './kysely-store.js';
import { sqliteRunners } from './query-runner.js';
import { SqliteWriteLock } from './sqlite-write-lock.js';
import { serializeError, type SendOutcome, type SendRequest, type WriterThreadData, type WriterThreadMessage } from './sqlite-writer-protocol.js';

const port = parentPort!;
const data = workerData as WriterThreadData;
// This thread waits for the lock blocked: it has nothing else to do meanwhile.
const { db, writer } = openSqliteWriter(data.file, SqliteWriteLock.from(data.writeLock), 'block');
const options: StoreOptions = {
  cipher: new CredentialCipher(Buffer.from(data.encryptionKey)),
  formatEvent: formatWebhookEvent,
  committer: new GroupCommitter(db, writer),
  // No read-only connection here: outside a transaction (never, for a send) reads use this one.
  fast: { runners: sqliteRunners(db, writer, null), queries: hotQueries(db, 'sqlite') },
};

let outgoing: SendOutcome[] = [];
let committedEvents: DomainEvent[] = [];

function post(outcome: SendOutcome): void {
  outgoing.push(outcome);
  // A batch's sends settle together after its commit: one post carries them all.
  if (outgoing.length === 1) {
    setImmediate(() => {
      const message: WriterThreadMessage = { type: 'outcomes', outcomes: outgoing, events: committedEvents };
      outgoing = [];
      committedEvents = [];
      port.postMessage(message);
    });
  }
}

// Committed events join the next post, ahead of the outcomes they belong to.
const store = createKyselyStore(db, { ...options, onCommitted: (events) => committedEvents.push(...events) });

/** One send; the sends of one post reach the group commit together and share its transaction. */
async function send(request: SendRequest): Promise<void> {
  try {
    const message = await sendOrderMessage(store, request.actor, request.kind, request.id, request.text, request.now);
    post({ seq: request.seq, ok: true, message });
  } catch (error) {
    post({ seq: request.seq, ok: false, error: serializeError(error) });
  }
}

port.on('message', (requests: SendRequest[]) => {
  for (const request of requests) void send(request);
});
port.postMessage({ type: 'ready' } satisfies WriterThreadMessage);
