export const ORDER_KINDS = ['account', 'item', 'currency'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

export const ORDER_STATUSES = ['pending', 'in_delivery', 'delivered', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What each kind of order allows, as the API does (account orders are completed by the buyer). */
export const KIND_INFO: Record<OrderKind, { label: string; offerFilter: string; canComplete: boolean; hasCredentials: boolean }> = {
  account: { label: 'Account orders', offerFilter: 'account_offer_id', canComplete: false, hasCredentials: true },
  item: { label: 'Item orders', offerFilter: 'item_offer_id', canComplete: true, hasCredentials: false },
  currency: { label: 'Currency orders', offerFilter: 'currency_offer_id', canComplete: true, hasCredentials: false },
};

export const isOrderKind = (value: string): value is OrderKind => (ORDER_KINDS as readonly string[]).includes(value);

export const orderPath = (kind: OrderKind, id: number | string) => `/v2/${kind}-orders/${id}`;
export const adminOrderPath = (kind: OrderKind, id: number | string) => `/admin/v1/${kind}-orders/${id}`;

/** The chat is open while the order is processing (pending or in_delivery). */
export const isProcessing = (status: string) => status === 'pending' || status === 'in_delivery';

/** The admin PATCH's lifecycle: forward only, and anything not final may be refunded. */
export function nextStatuses(status: string): OrderStatus[] {
  switch (status) {
    case 'pending':
      return ['in_delivery', 'refunded'];
    case 'in_delivery':
      return ['delivered', 'refunded'];
    case 'delivered':
      return ['refunded'];
    default:
      return [];
  }
}

export const statusLabel = (status: string) => status.replace('_', ' ');

export interface Order {
  id: number;
  title: string;
  status: string;
  buyer: { id: number; username: string };
  game: { id: number; name: string; slug: string };
  credentials?: string | null;
  [field: string]: unknown;
}

export interface Message {
  id: string;
  type: 'user_message' | 'system_message';
  text: string;
  attachment: Record<string, unknown> | null;
  sender: { id: number; username: string; is_admin: boolean | null };
  sent_at: number;
}

export interface Page<T> {
  data: T[];
  meta: { current_page: number; last_page: number; total: number; per_page: number };
}

/** Money as the API serves it (`{format, value, amount}`), or a plain value. */
export function formatMoney(value: unknown): string {
  if (value !== null && typeof value === 'object' && typeof (value as { format?: unknown }).format === 'string') return (value as { format: string }).format;
  return value === null || value === undefined ? '—' : String(value);
}
