import { useEffect, useState } from 'preact/hooks';
import { isOrderKind, type OrderKind } from './kinds.js';

/** Hash routes: the page needs no server routes and nothing secret ever enters the address. */
export type Route = { page: 'list' } | { page: 'order'; kind: OrderKind; id: number };

export function parseRoute(hash: string): Route {
  const match = /^#\/orders\/(\w+)\/(\d{1,15})$/.exec(hash);
  if (match && isOrderKind(match[1]!)) return { page: 'order', kind: match[1], id: Number(match[2]) };
  return { page: 'list' };
}

export const orderHref = (kind: OrderKind, id: number) => `#/orders/${kind}/${id}`;

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
