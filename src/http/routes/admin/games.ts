import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { checkNewGame, createGame } from '../../../domain/games.js';
import { GameSchema } from '../../schemas/order.js';
import { errorResponses } from '../../schemas/common.js';
import { assertValidRequest } from '../../validation.js';

const CreateGameBody = Type.Object({
  name: Type.String({ maxLength: 255 }),
  slug: Type.String({ maxLength: 255, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'Lowercase words joined by dashes' }),
});

export const adminGameRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/games', {
    attachValidation: true,
    schema: {
      tags: ['Admin'], security: [{ BearerToken: [] }], summary: 'Create a game',
      body: CreateGameBody,
      response: { 201: Type.Object({ data: GameSchema }, { additionalProperties: false }), ...errorResponses(400, 401, 403, 413, 415, 422) },
    },
  }, async (request, reply) => {
    await assertValidRequest(request, (fields) => checkNewGame(app.parley.store, fields));
    return reply.code(201).send({ data: await createGame(app.parley.store, request.body) });
  });
};
