import { ForbiddenError, ValidationError } from './errors.js';

export const ORDER_STATUSES = ['pending', 'in_delivery', 'delivered', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Parley's rule: chat is open for sending while an order is "processing". */
export const PROCESSING_STATUSES: readonly OrderStatus[] = ['pending', 'in_delivery'];

export function isProcessing(status: OrderStatus): boolean {
  return PROCESSING_STATUSES.includes(status);
}

export const ORDER_NOT_PROCESSING_MESSAGE =
  'The order must be in processing status (pending or in_delivery) to perform this action.';

export function assertProcessing(status: OrderStatus): void {
  if (!isProcessing(status)) throw new ForbiddenError(ORDER_NOT_PROCESSING_MESSAGE);
}

/**
 * The lifecycle only moves forward: pending -> in_delivery -> delivered, and any
 * non-final status may be refunded. delivered can still be refunded (disputes); refunded is final.
 */
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['in_delivery', 'delivered', 'refunded'],
  in_delivery: ['delivered', 'refunded'],
  delivered: ['refunded'],
  refunded: [],
};

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!TRANSITIONS[from].includes(to)) {
    throw ValidationError.field('status', `The order cannot move from ${from} to ${to}.`);
  }
}

/** Timestamps a status sets when an order enters it. */
export function timestampsForStatus(status: OrderStatus, at: number): { completed_at?: number; refunded_at?: number } {
  if (status === 'delivered') return { completed_at: at };
  if (status === 'refunded') return { refunded_at: at };
  return {};
}

const LABELS: Record<OrderStatus, string> = {
  pending: 'pending',
  in_delivery: 'in delivery',
  delivered: 'delivered',
  refunded: 'refunded',
};

export function statusChangeText(from: OrderStatus | null, to: OrderStatus): string {
  return from === null ? `Order created with status ${LABELS[to]}.` : `Order status changed from ${LABELS[from]} to ${LABELS[to]}.`;
}
