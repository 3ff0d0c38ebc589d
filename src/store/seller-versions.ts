import { sql, type Kysely } from 'kysely';
import { writeRunner, type FastPath } from './fast-path.js';
import type { Db } from './kysely-store.js';
import { param, precompile } from './precompiled-query.js';
import type { Database } from './schema.js';

/** The bump's statement, built once (hot-queries.ts): an upsert from the order's row. */
export function bumpSellerVersionQuery(db: Kysely<Database>) {
  return precompile<{ kind: string; id: number }>(
    db
      .insertInto('seller_order_versions')
      .columns(['kind', 'seller_id', 'version'])
      .expression(db.selectFrom('orders').select(['kind', 'seller_id', sql<number>`1`.as('version')]).where('kind', '=', param('kind')).where('id', '=', param('id')))
      .onConflict((oc) => oc.columns(['kind', 'seller_id']).doUpdateSet({ version: sql<number>`seller_order_versions.version + 1` })),
  );
}

/**
 * A new version of the order list of the seller of `orderId` (its kind's): called in the
 * transaction of every write to an order (kysely-store.ts), so that an answer built from the list
 * before the write is never sent again after it (src/http/answer-cache.ts). A seller with no row
 * yet (orders from before migration 0019) reads as version 0 and gets 1.
 */
export async function bumpSellerVersion(db: Db, fast: FastPath, kind: string, orderId: number): Promise<void> {
  await writeRunner(db, fast).run(fast.queries.bumpSellerVersion, { kind, id: orderId });
}
