import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { checkNewUser, createUser } from '../../../domain/user-accounts.js';
import { USER_ROLES } from '../../../domain/users.js';
import { errorResponses, StringEnum } from '../../schemas/common.js';
import { assertValidRequest } from '../../validation.js';

const tags = ['Admin'];
const security = [{ BearerToken: [] }];

export const UserSchema = Type.Object(
  { id: Type.Integer(), username: Type.String(), role: StringEnum(USER_ROLES), created_at: Type.Integer() },
  { additionalProperties: false },
);

const CreateUserBody = Type.Object({
  username: Type.String({ maxLength: 255, pattern: '^[A-Za-z0-9_.-]+$', description: 'Letters, digits, dot, dash, underscore' }),
  role: StringEnum(USER_ROLES),
});

export const adminUserRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/users', {
    attachValidation: true,
    schema: {
      tags, security, summary: 'Create a user (seller, buyer or admin)',
      body: CreateUserBody,
      response: { 201: Type.Object({ data: UserSchema }, { additionalProperties: false }), ...errorResponses(400, 401, 403, 413, 415, 422) },
    },
  }, async (request, reply) => {
    await assertValidRequest(request, (fields) => checkNewUser(app.parley.store, fields));
    const user = await createUser(app.parley.store, request.body);
    return reply.code(201).send({ data: user });
  });
};
