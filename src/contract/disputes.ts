import { Type, type Static } from 'typebox';
import {
  DISPUTE_CLOSURE_REASONS, DISPUTE_ESCALATION_REASONS, DISPUTE_EVENT_TYPES, DISPUTE_OUTCOMES, DISPUTE_REASONS,
  DISPUTE_RESOLUTIONS, DISPUTE_STATUSES, type DisputeCaseRecord, type DisputeEventRecord,
} from '../domain/dispute-ports.js';
import {
  DISPUTE_EVIDENCE_MAX, DISPUTE_EXPLANATION_MAX, DISPUTE_HOURS_MAX, DISPUTE_MESSAGE_MAX, DISPUTE_NOTE_MAX,
  EVIDENCE_URL_MAX, EVIDENCE_URL_PATTERN,
} from '../domain/dispute-input.js';
import { isActiveDeadlineExpired } from '../domain/disputes.js';
import type { OrderKind } from '../domain/ports.js';
import { Nullable, StringEnum } from './common.js';

/** GameBoost's order disputes (spec 8): the case, its timeline events, and the request bodies. */
const Strict = { additionalProperties: false } as const;
const unix = (description: string) => Nullable(Type.Integer({ description }));

export const ORDERABLE_TYPES = ['account_order', 'item_order', 'currency_order'] as const;

export const DisputeEventSchema = Type.Object(
  {
    id: Type.Integer(),
    type: StringEnum(DISPUTE_EVENT_TYPES),
    actor_id: Nullable(Type.Integer({ description: 'The user who acted; null for the system (an expired deadline)' })),
    actor_username: Nullable(Type.String()),
    payload: Type.Record(Type.String(), Type.Unknown(), {
      type: 'object',
      description: 'Per type: message, counter_resolution, counter_resolution_note, outcome, due_at (docs/api.md); {} for dispute_created',
    }),
    evidence_urls: Type.Array(Type.String()),
    created_at: Type.Integer(),
  },
  { ...Strict, description: 'One step of a dispute case\'s timeline' },
);

/** The case's fields in the order GameBoost lists them. */
const caseFields = {
  id: Type.Integer(),
  orderable_type: StringEnum(ORDERABLE_TYPES),
  orderable_id: Type.Integer({ description: 'The order id' }),
  buyer_id: Type.Integer(),
  status: StringEnum(DISPUTE_STATUSES),
  progress_path: StringEnum(DISPUTE_STATUSES, { description: 'The open status the case is in, or closed from (Parley\'s reading)' }),
  reason: StringEnum(DISPUTE_REASONS),
  explanation: Type.String(),
  preferred_resolution: StringEnum(DISPUTE_RESOLUTIONS),
  preferred_resolution_note: Nullable(Type.String()),
  escalation_reason: Nullable(StringEnum(DISPUTE_ESCALATION_REASONS)),
  closure_reason: Nullable(StringEnum(DISPUTE_CLOSURE_REASONS)),
  outcome: Nullable(StringEnum(DISPUTE_OUTCOMES)),
  seller_response_due_at: unix('When the seller\'s response is due (Unix seconds)'),
  buyer_response_due_at: unix('When the buyer\'s response to a counter is due; null before any counter'),
  active_due_at: unix('The deadline of the party that must act now; null under review and once closed'),
  is_active_deadline_expired: Type.Boolean({ description: 'active_due_at has passed by the application clock' }),
  seller_response_hours: Type.Integer(),
  buyer_response_hours: Type.Integer(),
  locked_at: unix('When the order was locked; null once the case is closed'),
  closed_at: unix('When the case closed'),
  created_at: Type.Integer(),
  updated_at: Type.Integer(),
};

export const DisputeCaseSchema = Type.Object(caseFields, { ...Strict, description: 'An order dispute case (lists: without its events)' });
export const DisputeCaseWithEventsSchema = Type.Object(
  { ...caseFields, events: Type.Array(DisputeEventSchema, { description: 'The timeline, oldest first' }) },
  { ...Strict, description: 'An order dispute case with its timeline' },
);

export const DisputeEnvelope = Type.Object(
  { data: DisputeCaseWithEventsSchema, message: Nullable(Type.String({ description: 'What the action did; null on a read' })) },
  Strict,
);

type DisputeCase = Static<typeof DisputeCaseSchema>;
type DisputeEvent = Static<typeof DisputeEventSchema>;

const ORDERABLE: Record<OrderKind, (typeof ORDERABLE_TYPES)[number]> = { account: 'account_order', item: 'item_order', currency: 'currency_order' };

export function toDisputeEvent(event: DisputeEventRecord): DisputeEvent {
  const { id, type, actor_id, actor_username, payload, evidence_urls, created_at } = event;
  return { id, type, actor_id, actor_username, payload, evidence_urls, created_at };
}

/** The case as served; `now` (Unix seconds, the application clock) judges the active deadline. */
export function toDisputeResource(c: DisputeCaseRecord, now: number): DisputeCase {
  return {
    id: c.id,
    orderable_type: ORDERABLE[c.order_kind],
    orderable_id: c.order_id,
    buyer_id: c.buyer_id,
    status: c.status,
    progress_path: c.progress_path,
    reason: c.reason,
    explanation: c.explanation,
    preferred_resolution: c.preferred_resolution,
    preferred_resolution_note: c.preferred_resolution_note,
    escalation_reason: c.escalation_reason,
    closure_reason: c.closure_reason,
    outcome: c.outcome,
    seller_response_due_at: c.seller_response_due_at,
    buyer_response_due_at: c.buyer_response_due_at,
    active_due_at: c.active_due_at,
    is_active_deadline_expired: isActiveDeadlineExpired(c, now),
    seller_response_hours: c.seller_response_hours,
    buyer_response_hours: c.buyer_response_hours,
    locked_at: c.locked_at,
    closed_at: c.closed_at,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

export function toDisputeWithEvents(c: DisputeCaseRecord, events: DisputeEventRecord[], now: number): Static<typeof DisputeCaseWithEventsSchema> {
  return { ...toDisputeResource(c, now), events: events.map(toDisputeEvent) };
}

// ---- request bodies ------------------------------------------------------------------------

const message = (required: boolean) => {
  const schema = Type.String({ maxLength: DISPUTE_MESSAGE_MAX, description: `${required ? 'Required. ' : ''}Trimmed; at most ${DISPUTE_MESSAGE_MAX} Unicode characters` });
  return required ? schema : Type.Optional(Nullable(schema));
};
export const EvidenceUrls = Type.Optional(Nullable(Type.Array(
  Type.String({ maxLength: EVIDENCE_URL_MAX, pattern: EVIDENCE_URL_PATTERN, description: 'A public http(s) URL' }),
  { maxItems: DISPUTE_EVIDENCE_MAX, description: `At most ${DISPUTE_EVIDENCE_MAX} public URLs (JPEG, PNG, GIF, WEBP, MP4, MOV, OGG, WEBM, PDF, TXT, CSV; not fetched by Parley)` },
)));

export const AcceptDisputeBody = Type.Object({ message: message(false) });
export const CounterDisputeBody = Type.Object({
  message: message(true),
  counter_resolution: StringEnum(DISPUTE_RESOLUTIONS),
  counter_resolution_note: Type.Optional(Nullable(Type.String({ maxLength: DISPUTE_NOTE_MAX }))),
  evidence_urls: EvidenceUrls,
});
export const EscalateDisputeBody = Type.Object({ message: message(true), evidence_urls: EvidenceUrls });

/** The sandbox's buyer side (/admin/v1). */
export const OpenDisputeBody = Type.Object({
  reason: StringEnum(DISPUTE_REASONS, { description: 'account: account_not_received, account_not_as_described, wrong_credentials, account_banned, account_recovered, other; item: item_not_received, item_not_as_described, other; currency: currency_not_received, wrong_amount, other' }),
  explanation: Type.String({ maxLength: DISPUTE_EXPLANATION_MAX }),
  preferred_resolution: StringEnum(DISPUTE_RESOLUTIONS),
  preferred_resolution_note: Type.Optional(Nullable(Type.String({ maxLength: DISPUTE_NOTE_MAX }))),
  evidence_urls: EvidenceUrls,
  seller_response_hours: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: DISPUTE_HOURS_MAX, description: 'Default 24' }))),
  buyer_response_hours: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: DISPUTE_HOURS_MAX, description: 'Default 24' }))),
});
export const BuyerAcceptBody = Type.Object({ message: message(false) });
export const ResolveDisputeBody = Type.Object({ outcome: StringEnum(DISPUTE_OUTCOMES), message: message(false) });

/** `order.dispute.updated`: the case after the step, and the step. */
export const DisputeUpdatedPayload = Type.Object(
  { dispute: DisputeCaseWithEventsSchema, event: DisputeEventSchema },
  { ...Strict, description: 'A dispute case progressed: its new state (with the whole timeline) and the event that moved it' },
);
