import { sql, type Kysely } from 'kysely';
import type { ClockState, ClockStateStore } from '../sandbox/clock-state.js';
import type { Database } from './schema.js';

/** The sandbox clock's one row (table clock_state, migration 0012), created on first write. */
export class KyselyClockStateStore implements ClockStateStore {
  constructor(private readonly db: Kysely<Database>) {}

  async load(): Promise<ClockState> {
    const row = await this.db.selectFrom('clock_state').select(['offset_ms', 'id_floor_ms']).where('id', '=', 1).executeTakeFirst();
    return { offsetMs: Number(row?.offset_ms ?? 0), idFloorMs: Number(row?.id_floor_ms ?? 0) };
  }

  private async ensureRow(atMs: number): Promise<void> {
    await this.db
      .insertInto('clock_state')
      .values({ id: 1, offset_ms: 0, id_floor_ms: 0, updated_at_ms: atMs })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async advance(offsetMs: number, atMs: number): Promise<ClockState> {
    await this.ensureRow(atMs);
    await this.db
      .updateTable('clock_state')
      .set({ offset_ms: sql<number>`case when offset_ms < ${offsetMs} then ${offsetMs} else offset_ms end`, updated_at_ms: atMs })
      .where('id', '=', 1)
      .execute();
    return this.load();
  }

  async reset(idFloorMs: number, atMs: number): Promise<ClockState> {
    await this.ensureRow(atMs);
    await this.db
      .updateTable('clock_state')
      .set({ offset_ms: 0, id_floor_ms: sql<number>`case when id_floor_ms < ${idFloorMs} then ${idFloorMs} else id_floor_ms end`, updated_at_ms: atMs })
      .where('id', '=', 1)
      .execute();
    return this.load();
  }
}
