import { Type, type TSchema } from 'typebox';
import { AdvanceClockBody, AdvancedClockSchema, BuyerScriptSchema, ClockSchema, PutBuyerScriptBody } from '../sandbox.js';
import type { OrderKindApi } from '../order-kinds/order-kind-api.js';
import { errorResponses, IdParam } from '../common.js';
import { BEARER, JSON_OR_FORM, operation } from './operation.js';

/** Sandbox-only operator routes (PARLEY_ENV=sandbox); in production they answer 404. */
const sandbox = ['Sandbox'];
const data = <T extends TSchema>(schema: T) => Type.Object({ data: schema }, { additionalProperties: false });
const SANDBOX_ONLY = 'Sandbox only: with PARLEY_ENV=production this route answers 404.';

export const sandboxClockOperations = {
  getClock: operation('GET', '/clock', {
    operationId: 'sandboxGetClock',
    tags: sandbox, security: BEARER, summary: 'Read the sandbox clock',
    description: `${SANDBOX_ONLY} The application clock every rule reads (timestamps, message ids, key expiry, rate-limit windows, webhook retries, deadlines, auto-completion).`,
    response: { 200: data(ClockSchema), ...errorResponses(401, 403, 404, 429) },
  }),
  advanceClock: operation('POST', '/clock/advance', {
    operationId: 'sandboxAdvanceClock',
    tags: sandbox, security: BEARER, summary: 'Move the sandbox clock forward, running everything that falls due',
    description: `${SANDBOX_ONLY} Exactly one of seconds and to. Before it answers, every scheduled job due on the way runs in time order, the clock standing at each job's due time while it runs (auto-completions, dispute deadlines, scripted buyer steps, and what those schedule in turn); queued webhook retries become due. Durable and shared by every instance.`,
    body: AdvanceClockBody, consumes: JSON_OR_FORM,
    response: { 200: data(AdvancedClockSchema), ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
  }),
  resetClock: operation('POST', '/clock/reset', {
    operationId: 'sandboxResetClock',
    tags: sandbox, security: BEARER, summary: 'Put the sandbox clock back on the wall clock',
    description: `${SANDBOX_ONLY} The offset returns to 0. Timestamps written from now on may be earlier than ones written while the clock was ahead; message and event ids never go back (they keep sorting after every id minted before the reset). Jobs scheduled while ahead stay due at their times. Takes no body.`,
    response: { 200: data(ClockSchema), ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
  }),
};

/** The scripted buyer of one order of a kind. */
export function buyerScriptOperations<P extends string>(api: OrderKindApi<P>) {
  const url = `/${api.collection}/:${api.param}/buyer-script`;
  const params = IdParam(api.param, `The ID of the ${api.label}`);
  return {
    put: operation('PUT', url, {
      operationId: `sandboxPut${api.schemaName}BuyerScript`,
      tags: sandbox, security: BEARER, summary: `Script the buyer of an ${api.label}`,
      description: `${SANDBOX_ONLY} {script: [steps]} replaces the order's script (docs/api.md, "Scripted buyers"): each step is a trigger (on), a delay (after, seconds) and an action (do). A fired step runs \`after\` seconds later on the application clock (advance the test clock to run it at once), through the same rules as a real buyer: what Parley would refuse the buyer is recorded as failed. A bad step answers 422 naming script.N.field. JSON only in practice: a form cannot carry the steps and answers 422.`,
      params, body: PutBuyerScriptBody, consumes: JSON_OR_FORM,
      response: { 200: data(BuyerScriptSchema), ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) },
    }),
    get: operation('GET', url, {
      operationId: `sandboxGet${api.schemaName}BuyerScript`,
      tags: sandbox, security: BEARER, summary: `Read the scripted buyer of an ${api.label}`,
      description: `${SANDBOX_ONLY} The script and, per step, whether it waits, is scheduled (and when), ran, failed (and why) or was skipped. An order without a script answers empty lists.`,
      params,
      response: { 200: data(BuyerScriptSchema), ...errorResponses(401, 403, 404, 429) },
    }),
  };
}
