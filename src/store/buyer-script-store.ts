import type { Kysely, Transaction } from 'kysely';
import type { BuyerScriptStore, BuyerStep, StepState } from '../domain/buyer-script-ports.js';
import type { OrderKind } from '../domain/ports.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Scripted buyers (migration 0014): one row per order, the steps and their states as JSON. */
export function buyerScriptStore(db: Db): BuyerScriptStore {
  return {
    async find(kind, orderId) {
      const row = await db.selectFrom('buyer_scripts').selectAll().where('order_kind', '=', kind).where('order_id', '=', orderId).executeTakeFirst();
      if (!row) return undefined;
      return {
        order_kind: row.order_kind as OrderKind,
        order_id: row.order_id,
        steps: JSON.parse(row.steps) as BuyerStep[],
        state: JSON.parse(row.state) as StepState[],
        generation: row.generation,
        created_at: row.created_at,
        updated_at: row.updated_at,
      };
    },
    async put(record) {
      const values = {
        order_kind: record.order_kind, order_id: record.order_id, steps: JSON.stringify(record.steps), state: JSON.stringify(record.state),
        generation: record.generation, created_at: record.created_at, updated_at: record.updated_at,
      };
      await db
        .insertInto('buyer_scripts')
        .values(values)
        .onConflict((oc) => oc.columns(['order_kind', 'order_id']).doUpdateSet({
          steps: values.steps, state: values.state, generation: values.generation, updated_at: values.updated_at,
        }))
        .execute();
    },
    async saveState(kind, orderId, state, updatedAt) {
      await db.updateTable('buyer_scripts').set({ state: JSON.stringify(state), updated_at: updatedAt })
        .where('order_kind', '=', kind).where('order_id', '=', orderId).execute();
    },
    async any() {
      return (await db.selectFrom('buyer_scripts').select('order_id').limit(1).executeTakeFirst()) !== undefined;
    },
  };
}
