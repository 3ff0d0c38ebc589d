import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toCatalogueGameResource } from '../../contract/games.js';
import { gameOperations as ops, templateOperations } from '../../contract/operations/games.js';
import { getGameBySlug, getTemplate, listGames } from '../../domain/games.js';
import { GAME_TEMPLATE_SERVICES } from '../../domain/ports.js';
import { paginate } from '../pagination.js';
import { filtersOf } from '../query-string.js';

/** The games catalogue and the offer templates: public, any key reads them. */
export const gameRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.parley;

  app.get(ops.list.url, { schema: ops.list.schema }, async (request) => {
    const query = request.query;
    const page = await listGames(store, { page: query.page, per_page: query.per_page, sort: query.sort, filter: filtersOf(query) });
    return {
      data: page.rows.map(toCatalogueGameResource),
      ...paginate(request, { total: page.total, page: page.page, perPage: page.perPage, count: page.rows.length }),
    };
  });

  app.get(ops.get.url, { schema: ops.get.schema }, async (request) =>
    ({ data: toCatalogueGameResource(await getGameBySlug(store, request.params.game)) }));

  for (const service of GAME_TEMPLATE_SERVICES) {
    const op = templateOperations[service];
    app.get(op.url, { schema: op.schema }, async (request) => ({ template: await getTemplate(store, request.params.game, service) }));
  }
};
