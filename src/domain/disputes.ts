import { create, progress, refunds, type DisputeView, type EventActor, type Progression } from './dispute-case.js';
import {
  DISPUTE_EXPLANATION_MAX, DISPUTE_HOURS_MAX, DISPUTE_MESSAGE_MAX, DISPUTE_NOTE_MAX, InputReader,
} from './dispute-input.js';
import {
  DISPUTE_OUTCOMES, DISPUTE_REASONS_BY_KIND, DISPUTE_RESOLUTIONS, DISPUTE_STATUSES, OPEN_DISPUTE_STATUSES,
  type DisputeCaseRecord, type DisputeOutcome, type DisputeReason, type DisputeResolution, type DisputeStatus,
} from './dispute-ports.js';
import { DuplicateValueError, ForbiddenError, NotFoundError, ValidationError } from './errors.js';
import { ListParamsReader, type ListParams } from './list-params.js';
import type { OrderKind, OrderRecord, Store } from './ports.js';
import type { Actor } from './users.js';

export type { DisputeView } from './dispute-case.js';

/**
 * Order disputes (GameBoost's /v2/order-disputes and the sandbox's buyer and staff side). The
 * rules, deadlines and choices are documented in docs/api.md, "Order disputes":
 *
 * | action                 | allowed while                          | then                                                     |
 * | buyer opens            | order not refunded, no open case       | waiting_for_seller, seller deadline starts, order locked |
 * | seller accepts         | waiting_for_seller / waiting_for_buyer | refund preferred: closed (seller_accepted, refund) and   |
 * |                        |                                        | order refunded; else under_review (seller_accepted)      |
 * | seller counters        | waiting_for_seller                     | waiting_for_buyer, buyer deadline starts                 |
 * | seller escalates       | waiting_for_seller / waiting_for_buyer | under_review (seller_requested)                          |
 * | buyer replies          | any open status                        | waiting_for_buyer: back to waiting_for_seller, new       |
 * |                        |                                        | seller deadline; otherwise the timeline only             |
 * | buyer accepts counter  | waiting_for_buyer                      | closed (buyer_accepted, outcome = the counter's; a       |
 * |                        |                                        | refund counter refunds the order)                        |
 * | buyer escalates        | waiting_for_seller / waiting_for_buyer | under_review (buyer_requested)                           |
 * | staff resolves         | any open status                        | closed (staff_resolved, outcome; refund refunds)         |
 * | seller deadline passes | waiting_for_seller                     | under_review (seller_response_expired)                   |
 * | buyer deadline passes  | waiting_for_buyer                      | closed (buyer_response_expired, rejected)                |
 */

/** Parley's defaults (GameBoost documents none); a sandbox case may set its own at opening. */
export const DEFAULT_SELLER_RESPONSE_HOURS = 24;
export const DEFAULT_BUYER_RESPONSE_HOURS = 24;

const HOUR = 3600;
const label = (value: string) => value.replace(/_/g, ' ');
const hours = (n: number) => `${n} hour${n === 1 ? '' : 's'}`;

export const DISPUTE_STATE_ERRORS = {
  closed: 'The dispute is closed.',
  underReview: 'The dispute is under review by GameBoost.',
  waitingForBuyer: 'The dispute is waiting for the buyer.',
  waitingForSeller: 'The dispute is waiting for the seller.',
  refunded: 'A refunded order cannot be disputed.',
  alreadyOpen: 'The order already has an open dispute.',
} as const;

/** A 422 for an action the case's state does not allow, named on `status`. */
function stateError(dispute: DisputeCaseRecord): ValidationError {
  const messages: Record<DisputeStatus, string> = {
    closed: DISPUTE_STATE_ERRORS.closed,
    under_review: DISPUTE_STATE_ERRORS.underReview,
    waiting_for_buyer: DISPUTE_STATE_ERRORS.waitingForBuyer,
    waiting_for_seller: DISPUTE_STATE_ERRORS.waitingForSeller,
  };
  return ValidationError.field('status', messages[dispute.status]);
}

function assertStatus(dispute: DisputeCaseRecord, allowed: readonly DisputeStatus[]): void {
  if (!allowed.includes(dispute.status)) throw stateError(dispute);
}

/** Whether the case's active deadline has passed at `now` (Unix seconds). */
export function isActiveDeadlineExpired(dispute: Pick<DisputeCaseRecord, 'active_due_at'>, now: number): boolean {
  return dispute.active_due_at !== null && now >= dispute.active_due_at;
}

/**
 * The case and its order for a write. On PostgreSQL both rows are locked, the case first: no
 * path locks them the other way round (order writes only read cases), so steps on one case run
 * one after another and an order write waits for the step under way.
 */
async function loadForWrite(tx: Store, caseId: number): Promise<{ dispute: DisputeCaseRecord; order: OrderRecord }> {
  const dispute = await tx.disputes.findById(caseId);
  if (!dispute) throw new NotFoundError();
  const order = await tx.orders.findById(dispute.order_kind, dispute.order_id);
  if (!order) throw new NotFoundError();
  return { dispute, order };
}

async function userActor(tx: Store, id: number): Promise<EventActor> {
  const user = await tx.users.findById(id);
  return { id, username: user?.username ?? '' };
}

/** Runs one progression of a case in a transaction: load, check, apply. */
function runProgression(
  store: Store,
  caseId: number,
  decide: (dispute: DisputeCaseRecord, now: number, tx: Store) => Promise<Progression> | Progression,
): Promise<DisputeView> {
  const nowMs = store.clock.nowMs();
  const now = Math.floor(nowMs / 1000);
  return store.transaction(async (tx) => {
    const { dispute, order } = await loadForWrite(tx, caseId);
    const step = await decide(dispute, now, tx);
    return progress(tx, order, dispute, step, nowMs);
  });
}

// ---- reads --------------------------------------------------------------------------------

/** A party may see the case; anyone else gets a 404, as GameBoost answers for another seller's case. */
function assertParty(actor: Actor, dispute: DisputeCaseRecord): void {
  if (actor.isAdmin) return;
  if (dispute.seller_id !== actor.user.id && dispute.buyer_id !== actor.user.id) throw new NotFoundError();
}

export async function getDispute(store: Store, actor: Actor, caseId: number): Promise<DisputeView> {
  const dispute = await store.disputes.findById(caseId);
  if (!dispute) throw new NotFoundError();
  assertParty(actor, dispute);
  return { dispute, events: await store.disputes.listEvents(caseId) };
}

/** Any case by id (the admin API). */
export async function findDispute(store: Store, caseId: number): Promise<DisputeView> {
  const dispute = await store.disputes.findById(caseId);
  if (!dispute) throw new NotFoundError();
  return { dispute, events: await store.disputes.listEvents(caseId) };
}

export interface DisputePage {
  rows: DisputeCaseRecord[];
  total: number;
  page: number;
  perPage: number;
}

/** Cases on orders where the caller is the seller or the buyer (admin keys: all), newest first. */
export async function listDisputes(store: Store, actor: Actor, params: ListParams): Promise<DisputePage> {
  const reader = new ListParamsReader(params);
  const ids = reader.idList('id');
  const statuses = reader.enumList('status', DISPUTE_STATUSES);
  reader.throwIfInvalid();
  const { rows, total } = await store.disputes.list({
    partyId: actor.isAdmin ? null : actor.user.id,
    ...(ids ? { ids } : {}),
    ...(statuses ? { statuses } : {}),
    offset: reader.offset,
    limit: reader.perPage,
  });
  return { rows, total, page: reader.page, perPage: reader.perPage };
}

// ---- the buyer (sandbox, scripted buyer) --------------------------------------------------

export interface OpenDisputeInput {
  reason?: unknown;
  explanation?: unknown;
  preferred_resolution?: unknown;
  preferred_resolution_note?: unknown;
  evidence_urls?: unknown;
  /** Sandbox only: this case's deadlines, 1 to 720 hours (default 24 each). */
  seller_response_hours?: unknown;
  buyer_response_hours?: unknown;
}

/**
 * The order's buyer opens a dispute: `reason` (one of the order kind's reasons, see
 * DISPUTE_REASONS_BY_KIND), `explanation` (required, at most 2000 characters),
 * `preferred_resolution` (refund, replacement, other), optional `preferred_resolution_note`
 * (1000), `evidence_urls` (at most 5 http(s) URLs) and deadline overrides. 404 for no such order;
 * 422 for a bad field, a refunded order or one with an open case. Answers the case with its
 * timeline (one `dispute_created` event); the case is `waiting_for_seller`.
 */
export async function openDispute(store: Store, kind: OrderKind, orderId: number, input: OpenDisputeInput): Promise<DisputeView> {
  const nowMs = store.clock.nowMs();
  const now = Math.floor(nowMs / 1000);
  return store.transaction(async (tx) => {
    const order = await tx.orders.findById(kind, orderId);
    if (!order) throw new NotFoundError();
    const fields = checkOpenDispute(kind, input);
    if (order.status === 'refunded') throw ValidationError.field('order', DISPUTE_STATE_ERRORS.refunded);
    if (await tx.disputes.findOpenForOrder(kind, orderId)) throw ValidationError.field('order', DISPUTE_STATE_ERRORS.alreadyOpen);
    const sellerHours = fields.seller_response_hours ?? DEFAULT_SELLER_RESPONSE_HOURS;
    const sellerDue = now + sellerHours * HOUR;
    const buyer = await userActor(tx, order.buyer_id);
    return create(tx, order, {
      order_kind: kind,
      order_id: orderId,
      seller_id: order.seller_id,
      buyer_id: order.buyer_id,
      status: 'waiting_for_seller',
      progress_path: 'waiting_for_seller',
      reason: fields.reason,
      explanation: fields.explanation,
      preferred_resolution: fields.preferred_resolution,
      preferred_resolution_note: fields.preferred_resolution_note ?? null,
      counter_resolution: null,
      escalation_reason: null,
      closure_reason: null,
      outcome: null,
      seller_response_hours: sellerHours,
      buyer_response_hours: fields.buyer_response_hours ?? DEFAULT_BUYER_RESPONSE_HOURS,
      seller_response_due_at: sellerDue,
      buyer_response_due_at: null,
      active_due_at: sellerDue,
      locked_at: now,
      closed_at: null,
      created_at: now,
      updated_at: now,
    }, buyer, fields.evidence_urls,
    `The buyer opened a dispute (reason: ${label(fields.reason)}; preferred resolution: ${label(fields.preferred_resolution)}). ` +
      `The seller has ${hours(sellerHours)} to respond.`, nowMs).catch((error: unknown) => {
      throw error instanceof DuplicateValueError ? ValidationError.field('order', DISPUTE_STATE_ERRORS.alreadyOpen) : error;
    });
  });
}

/** The field checks of openDispute, for the HTTP layer to report next to the schema's errors. */
export function checkOpenDispute(kind: OrderKind, input: OpenDisputeInput) {
  const read = new InputReader(input as Record<string, unknown>);
  const reason = read.choice<DisputeReason>('reason', DISPUTE_REASONS_BY_KIND[kind], true);
  const explanation = read.text('explanation', DISPUTE_EXPLANATION_MAX, true);
  const preferred = read.choice<DisputeResolution>('preferred_resolution', DISPUTE_RESOLUTIONS, true);
  const note = read.text('preferred_resolution_note', DISPUTE_NOTE_MAX, false);
  const evidence = read.evidence();
  const sellerHours = read.hours('seller_response_hours', DISPUTE_HOURS_MAX);
  const buyerHours = read.hours('buyer_response_hours', DISPUTE_HOURS_MAX);
  read.throwIfInvalid();
  return {
    reason: reason!, explanation: explanation!, preferred_resolution: preferred!, preferred_resolution_note: note,
    evidence_urls: evidence, seller_response_hours: sellerHours, buyer_response_hours: buyerHours,
  };
}

export interface BuyerMessageInput {
  message?: unknown;
  evidence_urls?: unknown;
}

function messageAndEvidence(input: BuyerMessageInput, required: boolean) {
  const read = new InputReader(input as Record<string, unknown>);
  const message = read.text('message', DISPUTE_MESSAGE_MAX, required);
  const evidence = read.evidence();
  read.throwIfInvalid();
  return { message: message ?? null, evidence };
}

/**
 * The buyer adds to the case: `message` (required, at most 1200 characters), `evidence_urls`
 * (at most 5). While the case waits for the buyer this rejects the counter-proposal: the case
 * goes back to `waiting_for_seller` with a new seller deadline; otherwise (waiting for the
 * seller, under review) it only adds a `buyer_replied` event. 404 no case; 422 bad field or closed.
 */
export function buyerReply(store: Store, caseId: number, input: BuyerMessageInput): Promise<DisputeView> {
  return runProgression(store, caseId, async (dispute, now, tx) => {
    const { message, evidence } = messageAndEvidence(input, true);
    assertStatus(dispute, OPEN_DISPUTE_STATUSES);
    const actor = await userActor(tx, dispute.buyer_id);
    const base = { type: 'buyer_replied' as const, actor, payload: { message }, evidence };
    if (dispute.status !== 'waiting_for_buyer') return { ...base, patch: {}, chatText: 'The buyer added a reply to the dispute.' };
    const sellerDue = now + dispute.seller_response_hours * HOUR;
    return {
      ...base,
      patch: { status: 'waiting_for_seller', progress_path: 'waiting_for_seller', seller_response_due_at: sellerDue, active_due_at: sellerDue },
      chatText: `The buyer rejected the seller's proposal and replied. The seller has ${hours(dispute.seller_response_hours)} to respond.`,
    };
  });
}

/**
 * The buyer accepts the seller's counter-proposal (`message` optional): only while the case waits
 * for the buyer. The case closes (`buyer_accepted`, outcome = the counter's resolution); a refund
 * counter refunds the order. 404 no case; 422 bad field or another status.
 */
export function buyerAcceptCounter(store: Store, caseId: number, input: { message?: unknown } = {}): Promise<DisputeView> {
  return runProgression(store, caseId, async (dispute, now, tx) => {
    const { message } = messageAndEvidence({ message: input.message }, false);
    assertStatus(dispute, ['waiting_for_buyer']);
    const outcome: DisputeOutcome = dispute.counter_resolution ?? 'other';
    return {
      type: 'buyer_accepted_counter', actor: await userActor(tx, dispute.buyer_id),
      payload: { message, counter_resolution: dispute.counter_resolution }, evidence: [],
      patch: closing(dispute, now, 'buyer_accepted', outcome),
      chatText: `The buyer accepted the seller's proposal (${label(outcome)}). The dispute is closed.`,
      refund: refunds(outcome),
    };
  });
}

/**
 * The buyer hands the case to GameBoost (`message` required, `evidence_urls` optional): while it
 * waits for the seller or the buyer. Under review (`buyer_requested`). 404; 422 field or status.
 */
export function buyerEscalate(store: Store, caseId: number, input: BuyerMessageInput): Promise<DisputeView> {
  return runProgression(store, caseId, async (dispute, _now, tx) => {
    const { message, evidence } = messageAndEvidence(input, true);
    assertStatus(dispute, ['waiting_for_seller', 'waiting_for_buyer']);
    return {
      type: 'buyer_escalated', actor: await userActor(tx, dispute.buyer_id), payload: { message }, evidence,
      patch: reviewing('buyer_requested'),
      chatText: 'The buyer escalated the dispute to GameBoost for review.',
    };
  });
}

// ---- staff ---------------------------------------------------------------------------------

/**
 * Staff close an open case with `outcome` (refund, replacement, store_credit, other, rejected)
 * and an optional `message`; a refund refunds the order. `staff` is who decided (the timeline's
 * actor; null: the system). 404 no case; 422 bad field or closed.
 */
export function resolveDispute(store: Store, caseId: number, input: { outcome?: unknown; message?: unknown }, staff: EventActor | null = null): Promise<DisputeView> {
  return runProgression(store, caseId, (dispute, now) => {
    const read = new InputReader(input as Record<string, unknown>);
    const outcome = read.choice<DisputeOutcome>('outcome', DISPUTE_OUTCOMES, true);
    const message = read.text('message', DISPUTE_MESSAGE_MAX, false) ?? null;
    read.throwIfInvalid();
    assertStatus(dispute, OPEN_DISPUTE_STATUSES);
    return {
      type: 'staff_resolved', actor: staff, payload: { outcome, message }, evidence: [],
      patch: closing(dispute, now, 'staff_resolved', outcome!),
      chatText: `GameBoost resolved the dispute (outcome: ${label(outcome!)}). The dispute is closed.`,
      refund: refunds(outcome),
    };
  });
}

// ---- the seller (/v2) ----------------------------------------------------------------------

/** 404 for no such case or a non-party, 403 for a party that is not the seller (the buyer). */
export async function authorizeSellerAction(store: Store, actor: Actor, caseId: number): Promise<DisputeCaseRecord> {
  const dispute = await store.disputes.findById(caseId);
  if (!dispute) throw new NotFoundError();
  assertParty(actor, dispute);
  if (!actor.isAdmin && dispute.seller_id !== actor.user.id) throw new ForbiddenError();
  return dispute;
}

function sellerProgression(store: Store, actor: Actor, caseId: number, decide: (dispute: DisputeCaseRecord, now: number, seller: EventActor) => Progression) {
  return runProgression(store, caseId, async (dispute, now, tx) => {
    await authorizeSellerAction(tx, actor, caseId);
    // Admin keys act for the seller; the timeline names the seller either way.
    const seller = actor.isAdmin ? await userActor(tx, dispute.seller_id) : { id: actor.user.id, username: actor.user.username };
    return decide(dispute, now, seller);
  });
}

/**
 * `POST /v2/order-disputes/{id}/accept` (`message` optional, at most 1200). A preferred refund
 * refunds the order and closes the case (`seller_accepted`, `refund`); any other preferred
 * resolution goes to GameBoost (`under_review`, escalation `seller_accepted`).
 */
export function sellerAccept(store: Store, actor: Actor, caseId: number, input: { message?: unknown }): Promise<DisputeView> {
  return sellerProgression(store, actor, caseId, (dispute, now, seller) => {
    const { message } = messageAndEvidence({ message: input.message }, false);
    assertStatus(dispute, ['waiting_for_seller', 'waiting_for_buyer']);
    const refund = dispute.preferred_resolution === 'refund';
    return {
      type: 'seller_accepted', actor: seller, payload: { message }, evidence: [],
      patch: refund ? closing(dispute, now, 'seller_accepted', 'refund') : reviewing('seller_accepted'),
      chatText: refund
        ? 'The seller accepted the dispute: the order is refunded.'
        : `The seller accepted the dispute; GameBoost will settle the ${label(dispute.preferred_resolution)} resolution.`,
      refund,
    };
  });
}

export interface CounterInput {
  message?: unknown;
  counter_resolution?: unknown;
  counter_resolution_note?: unknown;
  evidence_urls?: unknown;
}

/** The field checks of a counter-proposal. */
export function checkCounter(input: CounterInput) {
  const read = new InputReader(input as Record<string, unknown>);
  const message = read.text('message', DISPUTE_MESSAGE_MAX, true);
  const resolution = read.choice<DisputeResolution>('counter_resolution', DISPUTE_RESOLUTIONS, true);
  const note = read.text('counter_resolution_note', DISPUTE_NOTE_MAX, false) ?? null;
  const evidence = read.evidence();
  read.throwIfInvalid();
  return { message: message!, counter_resolution: resolution!, counter_resolution_note: note, evidence_urls: evidence };
}

/** `POST .../counter`: only while the case waits for the seller; then it waits for the buyer. */
export function sellerCounter(store: Store, actor: Actor, caseId: number, input: CounterInput): Promise<DisputeView> {
  return sellerProgression(store, actor, caseId, (dispute, now, seller) => {
    const fields = checkCounter(input);
    assertStatus(dispute, ['waiting_for_seller']);
    const buyerDue = now + dispute.buyer_response_hours * HOUR;
    return {
      type: 'seller_countered', actor: seller,
      payload: { message: fields.message, counter_resolution: fields.counter_resolution, counter_resolution_note: fields.counter_resolution_note },
      evidence: fields.evidence_urls,
      patch: {
        status: 'waiting_for_buyer', progress_path: 'waiting_for_buyer', counter_resolution: fields.counter_resolution,
        buyer_response_due_at: buyerDue, active_due_at: buyerDue,
      },
      chatText: `The seller proposed another resolution (${label(fields.counter_resolution)}). The buyer has ${hours(dispute.buyer_response_hours)} to respond.`,
    };
  });
}

/** `POST .../escalate` (`message` required, `evidence_urls` optional): under review (`seller_requested`). */
export function sellerEscalate(store: Store, actor: Actor, caseId: number, input: BuyerMessageInput): Promise<DisputeView> {
  return sellerProgression(store, actor, caseId, (dispute, _now, seller) => {
    const { message, evidence } = messageAndEvidence(input, true);
    assertStatus(dispute, ['waiting_for_seller', 'waiting_for_buyer']);
    return {
      type: 'seller_escalated', actor: seller, payload: { message }, evidence,
      patch: reviewing('seller_requested'),
      chatText: 'The seller escalated the dispute to GameBoost for review.',
    };
  });
}

// ---- shared patches ------------------------------------------------------------------------

export function reviewing(reason: NonNullable<DisputeCaseRecord['escalation_reason']>) {
  return { status: 'under_review', progress_path: 'under_review', escalation_reason: reason, active_due_at: null } as const;
}

/** Closed: `progress_path` keeps the open status the case closed from; the order is unlocked. */
export function closing(dispute: DisputeCaseRecord, now: number, reason: NonNullable<DisputeCaseRecord['closure_reason']>, outcome: DisputeOutcome) {
  return {
    status: 'closed', progress_path: dispute.progress_path, closure_reason: reason, outcome,
    active_due_at: null, locked_at: null, closed_at: now,
  } as const;
}
