import type { Selectable } from 'kysely';
import { DuplicateValueError } from '../domain/errors.js';
import type { CatalogueGame, GameItemCollection, GameStore, GameTemplateService } from '../domain/ports.js';
import { isUniqueViolation } from './database-errors.js';
import type { Db } from './kysely-store.js';
import type { GamesTable } from './schema.js';

function toCatalogueGame(row: Selectable<GamesTable>): CatalogueGame {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    acronym: row.acronym,
    services: JSON.parse(row.services) as string[],
    game_item_collections: JSON.parse(row.game_item_collections) as GameItemCollection[],
  };
}

/** The games catalogue and each game's offer templates (one per service). */
export function gameStore(db: Db): GameStore {
  return {
    async create(game) {
      const row = await db
        .insertInto('games')
        .values({
          name: game.name,
          slug: game.slug,
          acronym: game.acronym ?? null,
          services: JSON.stringify(game.services ?? []),
          game_item_collections: JSON.stringify(game.game_item_collections ?? []),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? new DuplicateValueError('slug') : error;
        });
      return toCatalogueGame(row);
    },
    async findById(id) {
      const row = await db.selectFrom('games').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toCatalogueGame(row);
    },
    async findBySlug(slug) {
      const row = await db.selectFrom('games').selectAll().where('slug', '=', slug).executeTakeFirst();
      return row && toCatalogueGame(row);
    },
    async first() {
      return db.selectFrom('games').select(['id', 'name', 'slug']).orderBy('id').limit(1).executeTakeFirst();
    },
    async all() {
      const rows = await db.selectFrom('games').selectAll().orderBy('id').execute();
      return rows.map(toCatalogueGame);
    },
    async setServices(id, services) {
      await db.updateTable('games').set({ services: JSON.stringify(services) }).where('id', '=', id).execute();
    },
    async findTemplate(gameId, service) {
      const row = await db
        .selectFrom('game_templates')
        .selectAll()
        .where('game_id', '=', gameId)
        .where('service', '=', service)
        .executeTakeFirst();
      return row && { ...row, service: row.service as GameTemplateService, template: JSON.parse(row.template) as Record<string, unknown> };
    },
    async putTemplate(template, options = {}) {
      const text = JSON.stringify(template.template);
      // The insert that finds no row decides "created": of two first PUTs at once, one inserts
      // and the other replaces, on either database.
      const inserted = await db
        .insertInto('game_templates')
        .values({ ...template, template: text })
        .onConflict((oc) => oc.columns(['game_id', 'service']).doNothing())
        .returning('game_id')
        .executeTakeFirst();
      if (inserted) return { created: true };
      if (!options.onlyIfAbsent) {
        await db
          .updateTable('game_templates')
          .set({ template: text, updated_at: template.updated_at })
          .where('game_id', '=', template.game_id)
          .where('service', '=', template.service)
          .execute();
      }
      return { created: false };
    },
  };
}
