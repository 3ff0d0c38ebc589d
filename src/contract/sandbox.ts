import { Type } from 'typebox';
import { BUYER_ACTIONS, BUYER_TRIGGERS, STEP_STATUSES, type BuyerScriptRecord } from '../domain/buyer-script-ports.js';
import { MAX_AFTER_SECONDS, MAX_REPLY_LENGTH, MAX_STEPS } from '../domain/buyer-script.js';
import { MAX_PATTERN_LENGTH } from '../domain/buyer-script-pattern.js';
import type { OrderRecord } from '../domain/ports.js';
import { MAX_UNIX_SECONDS, Nullable, StringEnum } from './common.js';

/** The sandbox's own resources (/admin/v1): test clocks and scripted buyers. Parley's, not GameBoost's. */
const Strict = { additionalProperties: false } as const;

export const ClockSchema = Type.Object(
  {
    now: Type.Integer({ description: 'The application clock, Unix seconds: what every timestamp, deadline and due time is read against' }),
    now_ms: Type.Integer({ description: 'The same, in Unix milliseconds' }),
    offset_ms: Type.Integer({ description: 'How far the clock is ahead of the wall clock, in milliseconds (0 after a reset)' }),
    next_due_at: Nullable(Type.Integer({ description: 'When the earliest scheduled job (auto-completion, deadline, buyer step) falls due, Unix seconds; null when none is pending' })),
  },
  { ...Strict, description: 'The sandbox clock' },
);

export const AdvancedClockSchema = Type.Object(
  { ...ClockSchema.properties, jobs_run: Type.Integer({ description: 'Scheduled jobs the advance ran on the way, in time order' }) },
  { ...Strict, description: 'The sandbox clock after an advance' },
);

export const AdvanceClockBody = Type.Object({
  seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 * 366 * 86_400, description: 'Move forward by this many seconds' })),
  to: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_UNIX_SECONDS, description: 'Or move forward to this Unix time (seconds), which must be after now' })),
}, { description: 'Exactly one of seconds and to' });

export function toClockResource(reading: { nowMs: number; offsetMs: number; nextDueAtMs: number | null }) {
  return {
    now: Math.floor(reading.nowMs / 1000),
    now_ms: Math.floor(reading.nowMs),
    offset_ms: Math.round(reading.offsetMs),
    next_due_at: reading.nextDueAtMs === null ? null : Math.floor(reading.nextDueAtMs / 1000),
  };
}

const STEP_PROPERTIES = {
  on: StringEnum(BUYER_TRIGGERS, { description: "What fires the step: the seller's chat message, credentials delivered, the order completed, `after` seconds without a seller message, the seller's dispute counter-proposal" }),
  match: Type.Optional(Type.String({ maxLength: MAX_PATTERN_LENGTH, description: 'on message only: a pattern the message must match somewhere (linear-time engine: literals, . [] \\d \\w \\s \\b, groups, |, * + ? {n,m}, ^ $; a leading (?i) ignores case)' })),
  after: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_AFTER_SECONDS, description: 'Seconds from the trigger to the action (default 0); on silence: the silence, at least 1' })),
  do: Type.Optional(StringEnum(BUYER_ACTIONS, { description: 'The action; default reply when reply is given' })),
  reply: Type.Optional(Type.String({ maxLength: MAX_REPLY_LENGTH, description: 'do reply: the chat message the buyer sends' })),
  reason: Type.Optional(Type.String({ description: "do dispute: one of the order kind's dispute reasons" })),
  explanation: Type.Optional(Type.String({ maxLength: 2000, description: 'do dispute: default a sentence naming the reason' })),
  preferred_resolution: Type.Optional(Type.String({ description: 'do dispute: refund (default), replacement or other' })),
  message: Type.Optional(Type.String({ maxLength: 1200, description: 'do accept_counter, escalate, dispute_reply: the buyer\'s message on the case' })),
};

export const BuyerStepSchema = Type.Object(STEP_PROPERTIES, { additionalProperties: false, description: 'One step of a scripted buyer' });

export const PutBuyerScriptBody = Type.Object({
  script: Type.Array(BuyerStepSchema, { maxItems: MAX_STEPS, description: `At most ${MAX_STEPS} steps; [] removes every step` }),
});

export const StepStateSchema = Type.Object(
  {
    index: Type.Integer(),
    status: StringEnum(STEP_STATUSES, { description: 'waiting for its trigger, scheduled (due at due_at), done, failed (error says what Parley answered the buyer), skipped' }),
    fired_at: Nullable(Type.Integer({ description: 'When the trigger fired, Unix seconds' })),
    due_at: Nullable(Type.Integer({ description: 'When the action is due, Unix seconds' })),
    ran_at: Nullable(Type.Integer({ description: 'When the action ran (or was refused), Unix seconds' })),
    error: Nullable(Type.String()),
    dispute_case_id: Nullable(Type.Integer()),
    message_id: Nullable(Type.String()),
  },
  { additionalProperties: false, description: 'Where a step stands' },
);

export const BuyerScriptSchema = Type.Object(
  {
    order_id: Type.Integer(),
    order_kind: Type.String(),
    script: Type.Array(Type.Object(STEP_PROPERTIES, { additionalProperties: false }), { description: 'The steps as stored, defaults filled in' }),
    steps: Type.Array(StepStateSchema),
    created_at: Nullable(Type.Integer()),
    updated_at: Nullable(Type.Integer()),
  },
  { additionalProperties: false, description: "An order's scripted buyer and the steps it has run" },
);

export function toBuyerScriptResource(order: OrderRecord, script: BuyerScriptRecord | null) {
  return {
    order_id: order.id,
    order_kind: order.kind,
    script: script?.steps ?? [],
    steps: (script?.state ?? []).map((state, index) => ({ index, ...state })),
    created_at: script?.created_at ?? null,
    updated_at: script?.updated_at ?? null,
  };
}
