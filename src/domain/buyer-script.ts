import { confirmOrder, isAwaitingConfirmation, onCredentialsDelivered } from './auto-complete.js';
import {
  BUYER_ACTIONS, BUYER_TRIGGERS, type BuyerAction, type BuyerScriptRecord, type BuyerStep, type BuyerTrigger, type StepState,
} from './buyer-script-ports.js';
import { compilePattern, PatternError, type Pattern } from './buyer-script-pattern.js';
import { unixSeconds } from './clock.js';
import { DISPUTE_EXPLANATION_MAX, DISPUTE_MESSAGE_MAX } from './dispute-input.js';
import { DISPUTE_REASONS_BY_KIND, DISPUTE_RESOLUTIONS } from './dispute-ports.js';
import { buyerAcceptCounter, buyerEscalate, buyerReply, openDispute } from './disputes.js';
import { DomainError, NotFoundError, ValidationError, type FieldErrors } from './errors.js';
import type { DomainEvent } from './events.js';
import type { DueJob, JobHandler } from './jobs.js';
import { sendOrderMessage } from './order-chat.js';
import type { OrderKind, OrderRecord, Store } from './ports.js';
import { actorFor } from './users.js';

/**
 * The sandbox's scripted buyer (docs/api.md, "Scripted buyers"): a list of steps, each a trigger
 * (`on`), a delay (`after`, seconds) and an action (`do`). A trigger that fires schedules the
 * step as a job (kind `buyer.step`) due `after` seconds later on the application clock, in the
 * transaction of the change that fired it, so a step is never lost to a crash between the two.
 * When the job runs, the buyer acts through the same domain functions as a real buyer would,
 * with the buyer's own rights: an action Parley refuses the buyer is recorded as failed, never
 * forced. Each step runs at most once.
 */
export const BUYER_STEP_JOB = 'buyer.step';
export const MAX_STEPS = 20;
/** 30 days. */
export const MAX_AFTER_SECONDS = 30 * 86_400;
export const MAX_REPLY_LENGTH = 2000;
export const SCRIPT_NOT_SANDBOX = 'Scripted buyers exist in the sandbox only.';

const STEP_FIELDS = ['on', 'match', 'after', 'do', 'reply', 'reason', 'explanation', 'preferred_resolution', 'message'] as const;
/** The fields each action takes besides on, match, after and do. */
const ACTION_FIELDS: Record<BuyerAction, readonly string[]> = {
  reply: ['reply'],
  confirm: [],
  dispute: ['reason', 'explanation', 'preferred_resolution'],
  accept_counter: ['message'],
  escalate: ['message'],
  dispute_reply: ['message'],
  silent: [],
};
const DEFAULT_ESCALATE_MESSAGE = 'I do not accept the proposal. Please review this case.';
const DEFAULT_DISPUTE_REPLY = 'I still have the problem.';

// ---- validation ----------------------------------------------------------------------------

/** Reads `{script: [...]}` as sent; answers the steps or throws a 422 naming `script.N.field`. */
export function parseScript(kind: OrderKind, body: Record<string, unknown>): BuyerStep[] {
  const errors: FieldErrors = {};
  const fail = (field: string, message: string) => void (errors[field] ??= []).push(message);
  const raw = body.script;
  if (raw === undefined || raw === null) fail('script', 'The script field is required.');
  else if (!Array.isArray(raw)) fail('script', 'The script field must be an array.');
  else if (raw.length > MAX_STEPS) fail('script', `The script field must not have more than ${MAX_STEPS} items.`);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const steps = (raw as unknown[]).map((item, index) => parseStep(kind, item, `script.${index}`, fail));
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return steps as BuyerStep[];
}

function parseStep(kind: OrderKind, item: unknown, at: string, fail: (field: string, message: string) => void): BuyerStep | null {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    fail(at, `The ${at} field must be an object.`);
    return null;
  }
  const input = item as Record<string, unknown>;
  const before = new Set<string>();
  let failed = false;
  const err = (field: string, message: string) => {
    failed = true;
    before.add(field);
    fail(`${at}.${field}`, message.replace(':attr', `${at}.${field.replace(/_/g, ' ')}`));
  };
  for (const key of Object.keys(input)) if (!(STEP_FIELDS as readonly string[]).includes(key)) err(key, 'The :attr field is prohibited.');
  const present = (field: string) => input[field] !== undefined && input[field] !== null;
  const text = (field: string, max: number): string | undefined => {
    if (!present(field)) return undefined;
    const value = input[field];
    if (typeof value !== 'string') return void err(field, 'The :attr field must be a string.');
    if (value.includes('\u0000')) return void err(field, 'The :attr field must not contain null characters.');
    if ([...value].length > max) return void err(field, `The :attr field must not be greater than ${max} characters.`);
    return value;
  };
  const choice = <T extends string>(field: string, values: readonly T[], required: boolean): T | undefined => {
    if (!present(field)) return required ? void err(field, 'The :attr field is required.') : undefined;
    if (typeof input[field] !== 'string' || !values.includes(input[field] as T)) return void err(field, 'The selected :attr is invalid.');
    return input[field] as T;
  };

  const on = choice<BuyerTrigger>('on', BUYER_TRIGGERS, true);
  let after = 0;
  if (present('after')) {
    const value = input.after;
    if (typeof value !== 'number' || !Number.isInteger(value)) err('after', 'The :attr field must be an integer.');
    else if (value < (on === 'silence' ? 1 : 0)) err('after', `The :attr field must be at least ${on === 'silence' ? 1 : 0}.`);
    else if (value > MAX_AFTER_SECONDS) err('after', `The :attr field must not be greater than ${MAX_AFTER_SECONDS}.`);
    else after = value;
  } else if (on === 'silence') {
    err('after', 'The :attr field is required when on is silence.');
  }

  let match: string | undefined;
  if (present('match')) {
    if (on !== undefined && on !== 'message') err('match', 'The :attr field is prohibited unless on is message.');
    else {
      match = text('match', 200);
      if (match !== undefined) {
        try {
          compilePattern(match);
        } catch (error) {
          if (!(error instanceof PatternError)) throw error;
          match = undefined;
          err('match', `The :attr field must be a valid pattern: ${error.message}.`);
        }
      }
    }
  }

  let action: BuyerAction | undefined;
  if (present('do')) action = choice<BuyerAction>('do', BUYER_ACTIONS, true);
  else if (present('reply')) action = 'reply';
  else err('do', 'The :attr field is required when reply is not present.');
  const step: Partial<BuyerStep> = { on, after, do: action };
  if (match !== undefined) step.match = match;
  if (action !== undefined) {
    for (const field of ['reply', 'reason', 'explanation', 'preferred_resolution', 'message']) {
      if (present(field) && !ACTION_FIELDS[action].includes(field) && !before.has(field)) err(field, `The :attr field is prohibited when do is ${action}.`);
    }
    if (action === 'reply') {
      step.reply = text('reply', MAX_REPLY_LENGTH);
      if (step.reply === undefined && !before.has('reply')) err('reply', 'The :attr field is required when do is reply.');
    }
    if (action === 'dispute') {
      step.reason = choice('reason', DISPUTE_REASONS_BY_KIND[kind], true);
      step.explanation = text('explanation', DISPUTE_EXPLANATION_MAX) ?? `The scripted buyer opened a dispute: ${step.reason ?? ''}.`;
      step.preferred_resolution = choice('preferred_resolution', DISPUTE_RESOLUTIONS, false) ?? 'refund';
    }
    if (action === 'accept_counter' || action === 'escalate' || action === 'dispute_reply') {
      const message = text('message', DISPUTE_MESSAGE_MAX);
      if (message !== undefined) step.message = message;
      else if (action === 'escalate') step.message = DEFAULT_ESCALATE_MESSAGE;
      else if (action === 'dispute_reply') step.message = DEFAULT_DISPUTE_REPLY;
    }
  }
  return failed ? null : (step as BuyerStep);
}

// ---- the script's life ----------------------------------------------------------------------

const jobKey = (kind: OrderKind, orderId: number, index: number) => `${kind}:${orderId}:${index}`;

const fresh = (): StepState => ({ status: 'waiting', fired_at: null, due_at: null, ran_at: null, error: null, dispute_case_id: null, message_id: null });

export interface BuyerScriptView {
  order: OrderRecord;
  script: BuyerScriptRecord | null;
}

/** The order's script and its steps' states; a script-less order answers `script: null`. */
export async function getBuyerScript(store: Store, kind: OrderKind, orderId: number): Promise<BuyerScriptView> {
  const order = await store.orders.findById(kind, orderId);
  if (!order) throw new NotFoundError();
  return { order, script: (await store.buyerScripts.find(kind, orderId)) ?? null };
}

/**
 * Sets (or replaces) the order's script: the steps of a previous one are cancelled; silence
 * steps start counting now, and credentials steps fire now when the order already holds
 * delivered credentials. 404 no such order; 422 a bad step.
 */
export async function putBuyerScript(store: Store, kind: OrderKind, orderId: number, body: Record<string, unknown>): Promise<BuyerScriptView> {
  const nowMs = store.clock.nowMs();
  return store.transaction(async (tx) => {
    const order = await tx.orders.findById(kind, orderId);
    if (!order) throw new NotFoundError();
    const steps = parseScript(kind, body);
    const previous = await tx.buyerScripts.find(kind, orderId);
    for (let i = 0; i < (previous?.steps.length ?? 0); i++) await tx.jobs.cancel(BUYER_STEP_JOB, jobKey(kind, orderId, i));
    const now = unixSeconds(nowMs);
    const script: BuyerScriptRecord = {
      order_kind: kind, order_id: orderId, steps, state: steps.map(fresh), generation: (previous?.generation ?? 0) + 1,
      created_at: previous?.created_at ?? now, updated_at: now,
    };
    for (const [i, step] of steps.entries()) {
      if (step.on === 'silence' || (step.on === 'credentials' && isAwaitingConfirmation(order))) await fire(tx, script, i, nowMs, {});
    }
    await tx.buyerScripts.put(script);
    return { order, script };
  });
}

/** Schedules step `i` at now + after (a silence step: again from now); call inside a transaction. */
async function fire(tx: Store, script: BuyerScriptRecord, i: number, nowMs: number, payload: Record<string, unknown>): Promise<void> {
  const step = script.steps[i]!;
  const dueAtMs = nowMs + step.after * 1000;
  script.state[i] = { ...script.state[i]!, status: 'scheduled', fired_at: unixSeconds(nowMs), due_at: unixSeconds(dueAtMs) };
  await tx.jobs.schedule({
    kind: BUYER_STEP_JOB, key: jobKey(script.order_kind, script.order_id, i), dueAtMs,
    payload: { kind: script.order_kind, order_id: script.order_id, index: i, generation: script.generation, ...payload },
  });
}

/** What fired, as the steps' triggers see it. */
type Trigger =
  | { on: 'message'; text: string }
  | { on: 'credentials' | 'completion' }
  | { on: 'counter'; caseId: number };

const patterns = new Map<string, Pattern>();
function matches(step: BuyerStep, text: string): boolean {
  if (step.match === undefined) return true;
  let pattern = patterns.get(step.match);
  if (!pattern) {
    if (patterns.size > 1000) patterns.clear();
    patterns.set(step.match, (pattern = compilePattern(step.match)));
  }
  return pattern.test(text);
}

/** Fires the order's waiting steps that `trigger` matches; a seller message also restarts silence steps. */
async function react(tx: Store, kind: OrderKind, orderId: number, trigger: Trigger): Promise<void> {
  const script = await tx.buyerScripts.find(kind, orderId);
  if (!script) return;
  const nowMs = tx.clock.nowMs();
  let changed = false;
  for (const [i, step] of script.steps.entries()) {
    const state = script.state[i]!;
    const restartSilence = trigger.on === 'message' && step.on === 'silence' && state.status === 'scheduled';
    if (restartSilence || (state.status === 'waiting' && step.on === trigger.on && (trigger.on !== 'message' || matches(step, trigger.text)))) {
      await fire(tx, script, i, nowMs, trigger.on === 'counter' ? { case_id: trigger.caseId } : {});
      changed = true;
    }
  }
  if (changed) await tx.buyerScripts.saveState(kind, orderId, script.state, unixSeconds(nowMs));
}

/**
 * Reacts to a domain event inside the transaction that publishes it (installed on the sandbox's
 * store, src/sandbox/event-reactions.ts): the seller's chat messages, completions, counters.
 */
export async function reactToEvent(tx: Store, event: DomainEvent): Promise<void> {
  switch (event.type) {
    case 'order.message.created': {
      const { message, order } = event;
      // The seller's own messages only (not the buyer's, nor system messages).
      if (message.type === 'user_message' && message.sender.id === order.seller_id) {
        await react(tx, order.kind, order.id, { on: 'message', text: message.text });
      }
      return;
    }
    case 'order.status.updated':
      if (event.order.status === 'delivered') await react(tx, event.order.kind, event.order.id, { on: 'completion' });
      return;
    case 'order.dispute.updated':
      if (event.event.type === 'seller_countered') {
        await react(tx, event.dispute.order_kind, event.dispute.order_id, { on: 'counter', caseId: event.dispute.id });
      }
      return;
    default:
      return;
  }
}

onCredentialsDelivered((tx, order) => react(tx, order.kind, order.id, { on: 'credentials' }));

// ---- running a step -------------------------------------------------------------------------

/** What a step's action did: the ids it touched. */
interface Outcome {
  dispute_case_id?: number;
  message_id?: string;
}

async function perform(tx: Store, order: OrderRecord, step: BuyerStep, payload: Record<string, unknown>, script: BuyerScriptRecord, index: number): Promise<Outcome> {
  const buyerUser = await tx.users.findById(order.buyer_id);
  if (!buyerUser) throw new NotFoundError();
  const buyer = actorFor(buyerUser, null);
  const caseId = async (): Promise<number> => {
    if (typeof payload.case_id === 'number') return payload.case_id;
    const open = await tx.disputes.findOpenForOrder(order.kind, order.id);
    if (!open) throw new ValidationError({ dispute: ['The order has no open dispute.'] });
    return open.id;
  };
  switch (step.do) {
    case 'reply':
      return { message_id: (await sendOrderMessage(tx, buyer, order.kind, order.id, step.reply!)).id };
    case 'confirm':
      await confirmOrder(tx, buyer, order.kind, order.id);
      return {};
    case 'dispute': {
      const view = await openDispute(tx, order.kind, order.id, { reason: step.reason, explanation: step.explanation, preferred_resolution: step.preferred_resolution });
      return { dispute_case_id: view.dispute.id };
    }
    case 'accept_counter': {
      const id = await caseId();
      await buyerAcceptCounter(tx, id, { message: step.message });
      return { dispute_case_id: id };
    }
    case 'escalate': {
      const id = await caseId();
      await buyerEscalate(tx, id, { message: step.message });
      return { dispute_case_id: id };
    }
    case 'dispute_reply': {
      const id = await caseId();
      await buyerReply(tx, id, { message: step.message });
      return { dispute_case_id: id };
    }
    case 'silent': {
      // The buyer stops: every step not run yet is skipped and its job cancelled.
      for (const [i, state] of script.state.entries()) {
        if (i === index || (state.status !== 'waiting' && state.status !== 'scheduled')) continue;
        script.state[i] = { ...state, status: 'skipped', error: 'The buyer went silent.' };
        await tx.jobs.cancel(BUYER_STEP_JOB, jobKey(order.kind, order.id, i));
      }
      return {};
    }
  }
}

/** What a refusal says, for the step's `error`. */
function refusal(error: unknown): string | null {
  if (error instanceof ValidationError) return Object.values(error.errors).flat().join(' ') || error.message;
  if (error instanceof DomainError) return error.message;
  return null;
}

/**
 * The `buyer.step` job: runs the step if it is still the scheduled step of the current script
 * (a replaced script's, a skipped or already run step do nothing). A refusal (403, 404, 422 the
 * buyer would get) marks it failed with Parley's message; anything else throws, and the
 * scheduler tries again later.
 */
export function runBuyerStep(tx: Store, job: DueJob): Promise<void> {
  return runStep(tx, job, null);
}

/**
 * Counts a buyer's chat message against the chat limit, as a request with the buyer's key would
 * be: null when it may go now, else when it may (Unix milliseconds on the application clock).
 */
export type BuyerChatLimiter = (buyerId: number, nowMs: number) => Promise<number | null>;

/** The step handler with the buyer's replies under the chat limit: a reply over it waits for the window to pass. */
export function buyerStepHandler(limiter: BuyerChatLimiter | null): JobHandler {
  return (tx, job) => runStep(tx, job, limiter);
}

async function runStep(tx: Store, job: DueJob, limiter: BuyerChatLimiter | null): Promise<void> {
  const { kind, order_id: orderId, index, generation } = job.payload as { kind: OrderKind; order_id: number; index: number; generation: number };
  // The order first: its row lock (PostgreSQL) orders this run with the order's other writes.
  const order = await tx.orders.findById(kind, orderId);
  const script = await tx.buyerScripts.find(kind, orderId);
  if (!order || !script || script.generation !== generation) return;
  const step = script.steps[index];
  const state = script.state[index];
  if (!step || !state || state.status !== 'scheduled') return;
  const nowMs = tx.clock.nowMs();
  const ran_at = unixSeconds(nowMs);
  const retryAtMs = step.do === 'reply' && limiter ? await limiter(order.buyer_id, nowMs) : null;
  if (retryAtMs !== null) {
    // Over the chat limit: the reply waits for the window to pass, as a client honouring Retry-After would.
    await tx.jobs.schedule({ kind: job.kind, key: job.key, dueAtMs: retryAtMs, payload: job.payload });
    script.state[index] = { ...state, due_at: unixSeconds(retryAtMs), error: 'Rate limited (chat): postponed to the next window.' };
    await tx.buyerScripts.saveState(kind, orderId, script.state, ran_at);
    return;
  }
  try {
    const outcome = await perform(tx, order, step, job.payload, script, index);
    script.state[index] = { ...state, status: 'done', ran_at, error: null, dispute_case_id: outcome.dispute_case_id ?? null, message_id: outcome.message_id ?? null };
  } catch (error) {
    const message = refusal(error);
    if (message === null) throw error;
    script.state[index] = { ...state, status: 'failed', ran_at, error: message };
  }
  // The action's own events may have fired more steps of this script meanwhile: merge onto them.
  const latest = await tx.buyerScripts.find(kind, orderId);
  const merged = (latest?.state ?? script.state).map((s, i) => (i === index || script.state[i]!.status === 'skipped' ? script.state[i]! : s));
  await tx.buyerScripts.saveState(kind, orderId, merged, ran_at);
}

export const BUYER_SCRIPT_JOB_HANDLERS: Record<string, JobHandler> = {
  [BUYER_STEP_JOB]: runBuyerStep,
};
