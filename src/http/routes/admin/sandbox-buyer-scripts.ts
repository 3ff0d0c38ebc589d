import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { buyerScriptOperations } from '../../../contract/operations/sandbox.js';
import type { AnyOrderKindApi } from '../../../contract/order-kinds/index.js';
import { toBuyerScriptResource } from '../../../contract/sandbox.js';
import { getBuyerScript, putBuyerScript } from '../../../domain/buyer-script.js';
import { parseResourceId } from '../../../domain/orders.js';

/** The scripted buyer of one order kind; in production every route is an unknown route's 404. */
export function sandboxBuyerScriptRoutes(api: AnyOrderKindApi): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { store } = app.parley;
    const sandbox = app.parley.sandbox ?? null;
    const ops = buyerScriptOperations(api);

    app.get(ops.get.url, { schema: ops.get.schema }, async (request, reply) => {
      if (!sandbox) return reply.callNotFound();
      const { order, script } = await getBuyerScript(store, api.kind, parseResourceId((request.params as Record<string, string>)[api.param]!));
      return { data: toBuyerScriptResource(order, script) };
    });

    // The body's schema documents the steps; the domain reads them itself, so that every error
    // is named script.N.field with the step's own rules (a 404 still comes first).
    app.put(ops.put.url, { attachValidation: true, schema: ops.put.schema }, async (request, reply) => {
      if (!sandbox) return reply.callNotFound();
      const id = parseResourceId((request.params as Record<string, string>)[api.param]!);
      // Before the write: no event of this order may pass the reaction's guard unseen.
      sandbox.scripts.noteScript();
      const { order, script } = await putBuyerScript(store, api.kind, id, (request.body ?? {}) as Record<string, unknown>);
      return { data: toBuyerScriptResource(order, script) };
    });
  };
}
