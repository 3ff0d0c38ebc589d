import type { OrderKind } from './ports.js';

/**
 * Order disputes: the case a buyer opens on an order, its timeline, and what the domain needs
 * from storage for them. The enums are GameBoost's documented values completed with Parley's
 * choices where the documentation shows only one example (docs/api.md, "Order disputes").
 */

/** `closed` is final; the other three are open (the order is locked). */
export const DISPUTE_STATUSES = ['waiting_for_seller', 'waiting_for_buyer', 'under_review', 'closed'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
export const OPEN_DISPUTE_STATUSES: readonly DisputeStatus[] = ['waiting_for_seller', 'waiting_for_buyer', 'under_review'];

/** What the buyer says is wrong; each order kind takes its own reasons and `other`. */
export const DISPUTE_REASONS = [
  'account_not_received',
  'account_not_as_described',
  'wrong_credentials',
  'account_banned',
  'account_recovered',
  'item_not_received',
  'item_not_as_described',
  'currency_not_received',
  'wrong_amount',
  'other',
] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

export const DISPUTE_REASONS_BY_KIND: Record<OrderKind, readonly DisputeReason[]> = {
  account: ['account_not_received', 'account_not_as_described', 'wrong_credentials', 'account_banned', 'account_recovered', 'other'],
  item: ['item_not_received', 'item_not_as_described', 'other'],
  currency: ['currency_not_received', 'wrong_amount', 'other'],
};

/** The buyer's preferred resolution and the seller's counter-proposal share one vocabulary. */
export const DISPUTE_RESOLUTIONS = ['refund', 'replacement', 'other'] as const;
export type DisputeResolution = (typeof DISPUTE_RESOLUTIONS)[number];

/** Why a case went to GameBoost (`under_review`). */
export const DISPUTE_ESCALATION_REASONS = ['seller_requested', 'buyer_requested', 'seller_accepted', 'seller_response_expired'] as const;
export type DisputeEscalationReason = (typeof DISPUTE_ESCALATION_REASONS)[number];

export const DISPUTE_CLOSURE_REASONS = ['seller_accepted', 'buyer_accepted', 'buyer_response_expired', 'staff_resolved'] as const;
export type DisputeClosureReason = (typeof DISPUTE_CLOSURE_REASONS)[number];

export const DISPUTE_OUTCOMES = ['refund', 'replacement', 'store_credit', 'other', 'rejected'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

/** One timeline event per action or expired deadline. */
export const DISPUTE_EVENT_TYPES = [
  'dispute_created',
  'seller_accepted',
  'seller_countered',
  'seller_escalated',
  'buyer_replied',
  'buyer_accepted_counter',
  'buyer_escalated',
  'seller_response_expired',
  'buyer_response_expired',
  'staff_resolved',
] as const;
export type DisputeEventType = (typeof DISPUTE_EVENT_TYPES)[number];

export interface DisputeCaseFields {
  order_kind: OrderKind;
  order_id: number;
  seller_id: number;
  buyer_id: number;
  status: DisputeStatus;
  /** The open status the case is in, or was in when it closed. */
  progress_path: DisputeStatus;
  reason: DisputeReason;
  explanation: string;
  preferred_resolution: DisputeResolution;
  preferred_resolution_note: string | null;
  /** The seller's last counter-proposal (not served: the timeline carries it). */
  counter_resolution: DisputeResolution | null;
  escalation_reason: DisputeEscalationReason | null;
  closure_reason: DisputeClosureReason | null;
  outcome: DisputeOutcome | null;
  seller_response_hours: number;
  buyer_response_hours: number;
  seller_response_due_at: number | null;
  buyer_response_due_at: number | null;
  /** The deadline of whichever party must act now; null under review and once closed. */
  active_due_at: number | null;
  locked_at: number | null;
  closed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface DisputeCaseRecord extends DisputeCaseFields {
  id: number;
}

export type DisputeCasePatch = Partial<Omit<DisputeCaseFields, 'order_kind' | 'order_id' | 'seller_id' | 'buyer_id' | 'created_at'>>;

export interface NewDisputeEvent {
  case_id: number;
  type: DisputeEventType;
  /** null for the system (an expired deadline). */
  actor_id: number | null;
  actor_username: string | null;
  payload: Record<string, unknown>;
  evidence_urls: string[];
  created_at: number;
}

export interface DisputeEventRecord extends NewDisputeEvent {
  id: number;
}

export interface DisputeListQuery {
  /** Cases where this user is the seller or the buyer; null: every case (admin keys). */
  partyId: number | null;
  ids?: number[];
  statuses?: DisputeStatus[];
  offset: number;
  limit: number;
}

export interface DisputeStore {
  insert(fields: DisputeCaseFields): Promise<DisputeCaseRecord>;
  /** Inside a write transaction on PostgreSQL the case row is locked (FOR UPDATE). */
  findById(id: number): Promise<DisputeCaseRecord | undefined>;
  /** The order's case that is not closed, if any (at most one: a unique partial index). */
  findOpenForOrder(kind: OrderKind, orderId: number): Promise<DisputeCaseRecord | undefined>;
  update(id: number, patch: DisputeCasePatch): Promise<DisputeCaseRecord>;
  /** Newest first. */
  list(query: DisputeListQuery): Promise<{ rows: DisputeCaseRecord[]; total: number }>;
  insertEvent(event: NewDisputeEvent): Promise<DisputeEventRecord>;
  /** Oldest first. */
  listEvents(caseId: number): Promise<DisputeEventRecord[]>;
}
