import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sandboxClockOperations as ops } from '../../../contract/operations/sandbox.js';
import { toClockResource } from '../../../contract/sandbox.js';
import { ValidationError } from '../../../domain/errors.js';
import { assertValidRequest } from '../../validation.js';

/** The sandbox's test clock; in production (no sandbox services) every route is an unknown route's 404. */
export const sandboxClockRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const sandbox = app.parley.sandbox ?? null;

  app.get(ops.getClock.url, { schema: ops.getClock.schema }, async (_request, reply) => {
    if (!sandbox) return reply.callNotFound();
    return { data: toClockResource(await sandbox.timeTravel.read()) };
  });

  app.post(ops.advanceClock.url, { attachValidation: true, schema: ops.advanceClock.schema }, async (request, reply) => {
    if (!sandbox) return reply.callNotFound();
    await assertValidRequest(request);
    const { seconds, to } = request.body;
    if (seconds === undefined && to === undefined) throw ValidationError.field('seconds', 'The seconds field is required when to is not present.');
    if (seconds !== undefined && to !== undefined) throw ValidationError.field('seconds', 'The seconds field prohibits to from being present.');
    const advanced = await sandbox.timeTravel.advance({ seconds, to });
    return { data: { ...toClockResource(advanced), jobs_run: advanced.ran } };
  });

  app.post(ops.resetClock.url, { schema: ops.resetClock.schema }, async (_request, reply) => {
    if (!sandbox) return reply.callNotFound();
    return { data: toClockResource(await sandbox.timeTravel.reset()) };
  });
};
