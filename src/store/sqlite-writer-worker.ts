/**
 * The SQLite writer thread's entry (started by SqliteWriterThread). It owns a second writer
 * connection on the same file and runs the chat's sends there, through the same domain function
 * and the same group commit as the main thread would, so the commit's fsync blocks this thread
 * instead of the event loop that serves requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sendOrderMessagesOrEachAlone } from '../domain/order-chat.js';
import type { DomainEvent } from '../domain/events.js';
import { formatWebhookEvent } from '../webhooks/event-format.js';
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

/** A store whose committed events join the next post (before the outcomes they belong to). */
function storeTellingEvents() {
  return createKyselyStore(db, { ...options, onCommitted: (events) => committedEvents.push(...events) });
}

/** The sends of one post (the main thread's sends of one event-loop turn) as one unit of the group commit. */
async function sendBatch(requests: SendRequest[]): Promise<void> {
  const outcomes = await sendOrderMessagesOrEachAlone(storeTellingEvents(), requests);
  outcomes.forEach((outcome, i) => {
    const seq = requests[i]!.seq;
    post(outcome.ok ? { seq, ok: true, message: outcome.message } : { seq, ok: false, error: serializeError(outcome.error) });
  });
}

port.on('message', (requests: SendRequest[]) => void sendBatch(requests));
port.postMessage({ type: 'ready' } satisfies WriterThreadMessage);
