import { accountOrders } from './account-orders.js';
import { currencyOrders } from './currency-orders.js';
import { itemOrders } from './item-orders.js';
import type { OrderKindApi } from './order-kind-api.js';

/** Every kind of order with a chat, in the order the API documents them. */
export const ORDER_KIND_APIS: readonly OrderKindApi[] = [accountOrders, itemOrders, currencyOrders];
export type { OrderKindApi };
