import type { OrderKind } from './ports.js';

export const BUYER_TRIGGERS = ['message', 'credentials', 'completion', 'silence', 'counter'] as const;
export type BuyerTrigger = (typeof BUYER_TRIGGERS)[number];

export const BUYER_ACTIONS = ['reply', 'confirm', 'dispute', 'accept_counter', 'escalate', 'dispute_reply', 'silent'] as const;
export type BuyerAction = (typeof BUYER_ACTIONS)[number];

/** One step of a scripted buyer, as validated (defaults filled in). */
export interface BuyerStep {
  on: BuyerTrigger;
  /** `message` steps only: a pattern the seller's message must match (buyer-script-pattern.ts); absent: any message. */
  match?: string;
  /** Seconds between the trigger and the action (for `silence`: seconds without a seller message). */
  after: number;
  do: BuyerAction;
  /** reply: the text sent. */
  reply?: string;
  /** dispute: the case's fields. */
  reason?: string;
  explanation?: string;
  preferred_resolution?: string;
  /** escalate, dispute_reply, accept_counter: the buyer's message. */
  message?: string;
}

export const STEP_STATUSES = ['waiting', 'scheduled', 'done', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Where a step stands: waiting for its trigger, scheduled (due at `due_at`), run, failed or skipped. */
export interface StepState {
  status: StepStatus;
  /** When the trigger fired (Unix seconds). */
  fired_at: number | null;
  due_at: number | null;
  ran_at: number | null;
  /** Why the action did not happen (what Parley answered the buyer), for `failed` and `skipped`. */
  error: string | null;
  /** The dispute the step opened or acted on, the message it sent. */
  dispute_case_id: number | null;
  message_id: string | null;
}

export interface BuyerScriptRecord {
  order_kind: OrderKind;
  order_id: number;
  steps: BuyerStep[];
  state: StepState[];
  /** Bumped by every PUT: jobs of an earlier script are ignored. */
  generation: number;
  created_at: number;
  updated_at: number;
}

export interface BuyerScriptStore {
  find(kind: OrderKind, orderId: number): Promise<BuyerScriptRecord | undefined>;
  /** Inserts or replaces the order's script. */
  put(record: BuyerScriptRecord): Promise<void>;
  saveState(kind: OrderKind, orderId: number, state: StepState[], updatedAt: number): Promise<void>;
  /** Whether any order has a script. */
  any(): Promise<boolean>;
}
