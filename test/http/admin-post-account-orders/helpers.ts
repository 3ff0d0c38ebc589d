import type { TestParley } from '../../support/parley.js';

/** Shared by the admin API tests: unique names, clock and direct reads of committed rows. */

let counter = 0;
export const uniqueName = (prefix: string): string =>
  `${prefix}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

export const unixNow = (): number => Math.floor(Date.now() / 1000);

/** Asserts a Unix timestamp is "now" within a few seconds, with a readable failure. */
export function isNow(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value - Date.now() / 1000) < 5;
}

export function countRows(parley: TestParley, table: string): number {
  return parley.readDb((db) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n);
}

export function orderRow(parley: TestParley, id: number): Record<string, unknown> | undefined {
  return parley.readDb((db) => db.prepare('select * from orders where id = ?').get(id) as Record<string, unknown> | undefined);
}

export function threadRows(parley: TestParley, orderId: number): Array<Record<string, unknown>> {
  return parley.readDb((db) =>
    db.prepare("select * from messages where order_kind = 'account' and order_id = ? order by id").all(orderId) as Array<Record<string, unknown>>,
  );
}

export const ORDER_STATUSES = ['pending', 'in_delivery', 'delivered', 'refunded'] as const;
export type Status = (typeof ORDER_STATUSES)[number];

export const ALLOWED_MOVES: ReadonlyArray<readonly [Status, Status]> = [
  ['pending', 'in_delivery'],
  ['pending', 'delivered'],
  ['pending', 'refunded'],
  ['in_delivery', 'delivered'],
  ['in_delivery', 'refunded'],
  ['delivered', 'refunded'],
];

export const FORBIDDEN_MOVES: ReadonlyArray<readonly [Status, Status]> = ORDER_STATUSES.flatMap((from) =>
  ORDER_STATUSES.filter((to) => !ALLOWED_MOVES.some(([f, t]) => f === from && t === to)).map((to) => [from, to] as const),
);

export const STATUS_LABELS: Record<Status, string> = {
  pending: 'pending',
  in_delivery: 'in delivery',
  delivered: 'delivered',
  refunded: 'refunded',
};
