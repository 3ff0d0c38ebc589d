/** The three order kinds with a chat, as the black-box suites address them: one table, every case runs for each. */
export interface OrderKindCase {
  kind: 'account' | 'item' | 'currency';
  /** `/v2/account-orders` */
  path: string;
  /** `/admin/v1/account-orders` */
  adminPath: string;
  /** Name of the EUR price in bodies and resources. */
  priceField: 'price' | 'price_eur';
  offerField: 'account_offer_id' | 'item_offer_id' | 'currency_offer_id';
}

export const ORDER_KIND_CASES: readonly OrderKindCase[] = [
  { kind: 'account', path: '/v2/account-orders', adminPath: '/admin/v1/account-orders', priceField: 'price', offerField: 'account_offer_id' },
  { kind: 'item', path: '/v2/item-orders', adminPath: '/admin/v1/item-orders', priceField: 'price_eur', offerField: 'item_offer_id' },
  { kind: 'currency', path: '/v2/currency-orders', adminPath: '/admin/v1/currency-orders', priceField: 'price_eur', offerField: 'currency_offer_id' },
];

export const ACCOUNT_ORDERS = ORDER_KIND_CASES[0]!;

export function kindCase(kind: OrderKindCase['kind']): OrderKindCase {
  return ORDER_KIND_CASES.find((c) => c.kind === kind)!;
}
