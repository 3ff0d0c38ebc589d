import { accountOrders } from './account-orders.js';
import { currencyOrders } from './currency-orders.js';
import { itemOrders } from './item-orders.js';
import type { OrderKindApi } from './order-kind-api.js';

/** Every kind of order with a chat, in the order the API documents them. */
export const ORDER_KIND_APIS = [accountOrders, itemOrders, currencyOrders] as const;
export type AnyOrderKindApi = (typeof ORDER_KIND_APIS)[number];
export type { OrderKindApi };
