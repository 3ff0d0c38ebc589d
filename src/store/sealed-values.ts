import { sql, type Kysely } from 'kysely';
import { CredentialCipher, SEALED_COLUMNS } from './credential-cipher.js';
import type { Database } from './schema.js';

/** The task 0006_sealed_row_binding leaves for start-up. */
export const RESEAL_TASK = 'reseal_bound_to_row';

/** Rows read at a time: memory stays bounded whatever the table's size. */
const BATCH = 1000;

/**
 * Re-seals every unbound (`v1:`) value as a value bound to its row (`v2:`), once: the task row
 * that migration 0006 inserted goes in the same transaction, so a crash leaves either the old
 * values and the task, or the new values and no task. Call under the start-up lock (instances
 * starting together do it once). A value that does not open (another key) fails the start:
 * better than serving errors for each such row. Answers how many values were re-sealed.
 */
export async function resealLegacyValues(db: Kysely<Database>, cipher: CredentialCipher): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const task = await trx.selectFrom('startup_tasks').select('name').where('name', '=', RESEAL_TASK).executeTakeFirst();
    if (!task) return 0;
    let resealed = 0;
    for (const { table, column } of SEALED_COLUMNS) {
      let after = 0;
      for (;;) {
        const { rows } = await sql<{ id: number; value: string }>`
          select id, ${sql.ref(column)} as value from ${sql.table(table)}
          where ${sql.ref(column)} like 'v1:%' and id > ${after} order by id limit ${BATCH}`.execute(trx);
        for (const row of rows) {
          const at = { table, column, id: Number(row.id) };
          let plaintext: string;
          try {
            plaintext = cipher.decrypt(row.value, at);
          } catch (error) {
            throw new Error(`cannot open ${table}.${column} of row ${at.id} to re-seal it: is PARLEY_ENCRYPTION_KEY (or the key file) the one it was sealed with?`, { cause: error });
          }
          await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${cipher.encrypt(plaintext, at)} where id = ${at.id}`.execute(trx);
          resealed++;
        }
        if (rows.length < BATCH) break;
        after = Number(rows[rows.length - 1]!.id);
      }
    }
    await trx.deleteFrom('startup_tasks').where('name', '=', RESEAL_TASK).execute();
    return resealed;
  });
}
