import type { Kysely, Selectable, Transaction } from 'kysely';
import type {
  DisputeCaseFields, DisputeCasePatch, DisputeCaseRecord, DisputeEventRecord, DisputeEventType, DisputeListQuery, DisputeStore,
} from '../domain/dispute-ports.js';
import { DuplicateValueError } from '../domain/errors.js';
import type { OrderKind } from '../domain/ports.js';
import { isUniqueViolation } from './database-errors.js';
import type { Database, DisputeCasesTable, DisputeEventsTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const num = (value: number | null): number | null => (value === null ? null : Number(value));

function toCase(row: Selectable<DisputeCasesTable>): DisputeCaseRecord {
  // PostgreSQL's bigint columns come back as strings from some drivers: numbers throughout.
  return {
    ...(row as unknown as DisputeCaseRecord),
    id: Number(row.id),
    order_kind: row.order_kind as OrderKind,
    order_id: Number(row.order_id),
    seller_id: Number(row.seller_id),
    buyer_id: Number(row.buyer_id),
    seller_response_hours: Number(row.seller_response_hours),
    buyer_response_hours: Number(row.buyer_response_hours),
    seller_response_due_at: num(row.seller_response_due_at),
    buyer_response_due_at: num(row.buyer_response_due_at),
    active_due_at: num(row.active_due_at),
    locked_at: num(row.locked_at),
    closed_at: num(row.closed_at),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

function toEvent(row: Selectable<DisputeEventsTable>): DisputeEventRecord {
  return {
    id: Number(row.id),
    case_id: Number(row.case_id),
    type: row.type as DisputeEventType,
    actor_id: num(row.actor_id),
    actor_username: row.actor_username,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    evidence_urls: JSON.parse(row.evidence_urls) as string[],
    created_at: Number(row.created_at),
  };
}

/** Dispute cases and timelines over Kysely, the same SQL on both dialects. */
export function disputeStore(db: Db, lockRows: boolean): DisputeStore {
  const store: DisputeStore = {
    async insert(fields: DisputeCaseFields) {
      // The unique index of open cases per order: a concurrent open got there first.
      const row = await db.insertInto('dispute_cases').values(fields).returningAll().executeTakeFirstOrThrow().catch((error: unknown) => {
        throw isUniqueViolation(error) ? new DuplicateValueError('order') : error;
      });
      return toCase(row);
    },
    async findById(id) {
      let query = db.selectFrom('dispute_cases').selectAll().where('id', '=', id);
      // Writes to one case run one after another on PostgreSQL, as SQLite's single writer makes them.
      if (lockRows && db.isTransaction) query = query.forUpdate();
      const row = await query.executeTakeFirst();
      return row && toCase(row);
    },
    async findOpenForOrder(kind, orderId) {
      const row = await db.selectFrom('dispute_cases').selectAll()
        .where('order_kind', '=', kind).where('order_id', '=', orderId).where('closed_at', 'is', null)
        .executeTakeFirst();
      return row && toCase(row);
    },
    async update(id, patch: DisputeCasePatch) {
      const row = await db.updateTable('dispute_cases').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      return toCase(row);
    },
    async list(query: DisputeListQuery) {
      let where = db.selectFrom('dispute_cases');
      if (query.partyId !== null) {
        const party = query.partyId;
        where = where.where((eb) => eb.or([eb('seller_id', '=', party), eb('buyer_id', '=', party)]));
      }
      if (query.ids) where = where.where('id', 'in', query.ids);
      if (query.statuses) where = where.where('status', 'in', query.statuses);
      const { total } = await where.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      const rows = await where.selectAll().orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
      return { rows: rows.map(toCase), total: Number(total) };
    },
    async insertEvent(event) {
      const row = await db.insertInto('dispute_events')
        .values({ ...event, payload: JSON.stringify(event.payload), evidence_urls: JSON.stringify(event.evidence_urls) })
        .returningAll().executeTakeFirstOrThrow();
      return toEvent(row);
    },
    async listEvents(caseId) {
      const rows = await db.selectFrom('dispute_events').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
      return rows.map(toEvent);
    },
  };
  return store;
}
