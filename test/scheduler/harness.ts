import { MessageIdGenerator } from '../../src/domain/message-id.js';
import type { Store } from '../../src/domain/ports.js';
import { jobHandlerFor } from '../../src/domain/job-handlers.js';
import type { JobHandler } from '../../src/domain/jobs.js';
import { formatWebhookEvent } from '../../src/contract/webhook-events.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { CredentialCipher } from '../../src/store/credential-cipher.js';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { GroupCommitter } from '../../src/store/group-commit.js';
import { hotQueries } from '../../src/store/hot-queries.js';
import { KyselyJobQueue } from '../../src/store/job-store.js';
import { createKyselyStore } from '../../src/store/kysely-store.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { sqliteRunners } from '../../src/store/query-runner.js';
import { ManualClock } from '../support/manual-clock.js';
import { OffsetClock } from '../../src/sandbox/offset-clock.js';
import type { Clock } from '../../src/domain/clock.js';
import { tempDbFile } from '../support/parley.js';

export const silentLog = { error() {}, warn() {}, info() {}, debug() {} };

/**
 * The domain's Store on a SQLite file of its own, with the application's scheduler on a manual
 * clock: what production runs, minus HTTP, so that time rules are tested by moving the clock and
 * calling runDue() (what the poll timer would call), never by waiting.
 */
export interface Harness {
  db: OpenDatabase;
  store: Store;
  /** The base clock the test moves. */
  clock: ManualClock;
  /** The application clock: `clock`, or (sandbox) `clock` plus the test clock's offset. */
  appClock: Clock;
  queue: KyselyJobQueue;
  scheduler: Scheduler;
  close(): Promise<void>;
}

export async function openHarness(
  startMs = 1_800_000_000_000,
  handlerFor: (kind: string) => JobHandler | undefined = jobHandlerFor,
  options: { sandbox?: boolean; file?: string } = {},
): Promise<Harness> {
  const db = openDatabase({ dialect: 'sqlite', file: options.file ?? tempDbFile() });
  await migrateToLatest(db.db, db.dialect);
  const clock = new ManualClock(startMs);
  const appClock = options.sandbox ? new OffsetClock(clock) : clock;
  const committer = new GroupCommitter(db.db, db.sqlite!.writer);
  const store = createKyselyStore(db.db, {
    clock: appClock,
    messageIds: new MessageIdGenerator(),
    cipher: new CredentialCipher(Buffer.alloc(32, 7)),
    formatEvent: formatWebhookEvent,
    committer,
    fast: { runners: sqliteRunners(db.db, db.sqlite!.writer, db.sqlite!.reader), queries: hotQueries(db.db, 'sqlite') },
  });
  const queue = new KyselyJobQueue(db.db, 'sqlite', committer);
  const scheduler = new Scheduler(store, queue, handlerFor, appClock, silentLog);
  return { db, store, clock, appClock, queue, scheduler, close: () => db.close() };
}
