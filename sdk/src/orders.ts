import type { components } from './schema.js';

export type OrderKind = 'account' | 'item' | 'currency';
export const ORDER_KINDS: readonly OrderKind[] = ['account', 'item', 'currency'];

type Schemas = components['schemas'];
/** An order of any kind, as the API serves it. */
export type AnyOrder = Schemas['AccountOrder'] | Schemas['ItemOrder'] | Schemas['CurrencyOrder'];
export type Message = Schemas['Message'];

const upper = (kind: OrderKind) => `${kind[0]!.toUpperCase()}${kind.slice(1)}`;

/** The operationIds and path parameter of one order kind (GameBoost names them per kind). */
export function orderOperations(kind: OrderKind) {
  const K = upper(kind);
  return {
    param: `${kind}Order`,
    list: `list${K}Orders`,
    get: `get${K}Order`,
    listMessages: `list${K}OrderMessages`,
    sendMessage: `send${K}OrderMessage`,
    create: `adminCreate${K}Order`,
    update: `adminUpdate${K}Order`,
  } as const;
}
