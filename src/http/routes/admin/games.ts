import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toCatalogueGameResource } from '../../../contract/games.js';
import { adminGameOperations as ops } from '../../../contract/operations/games.js';
import { checkNewGame, checkTemplate, createGame, getGameBySlug, parseTemplateService, putTemplate } from '../../../domain/games.js';
import { ValidationError } from '../../../domain/errors.js';
import { assertValidRequest } from '../../validation.js';

/** The operator's side of the catalogue: games and their offer templates. */
export const adminGameRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.parley;

  app.post(ops.createGame.url, { attachValidation: true, schema: ops.createGame.schema }, async (request, reply) => {
    await assertValidRequest(request, (fields) => checkNewGame(store, fields));
    const { name, slug, acronym, services, game_item_collections } = request.body;
    const game = await createGame(store, {
      name, slug,
      acronym: acronym ?? null,
      services: services ?? [],
      game_item_collections: (game_item_collections ?? []).map((c) => ({ name: c.name, slug: c.slug, items_count: c.items_count ?? null })),
    });
    return reply.code(201).send({ data: toCatalogueGameResource(game) });
  });

  app.put(ops.putTemplate.url, { attachValidation: true, schema: ops.putTemplate.schema }, async (request, reply) => {
    // 404 before 422: the game and the service name the resource.
    const game = await getGameBySlug(store, request.params.game);
    const service = parseTemplateService(request.params.service);
    await assertValidRequest(request, (fields) => checkTemplate(service, game.slug, fields));
    const errors = checkTemplate(service, game.slug, request.body);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const { template, created } = await putTemplate(store, game, service, request.body.template);
    return reply.code(created ? 201 : 200).send({ template });
  });
};
