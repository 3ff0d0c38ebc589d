import { useEffect, useState } from 'preact/hooks';
import { callApi, describeError } from '../api.js';
import { formatMoney, isOrderKind, KIND_INFO, ORDER_KINDS, ORDER_STATUSES, statusLabel, type Order, type OrderKind, type Page } from '../kinds.js';
import { orderHref } from '../router.js';
import type { Session } from '../session.js';
import { formatTime } from '../text.js';

/** The API's list filters, by their query names (`filter[...]`); values as typed. */
const TEXT_FILTERS: { name: string; label: string; hint?: string }[] = [
  { name: 'search', label: 'Search', hint: 'Order id or part of the title' },
  { name: 'id', label: 'Order ids', hint: 'Comma list' },
  { name: 'buyer_id', label: 'Buyer ids', hint: 'Comma list' },
  { name: 'game_id', label: 'Game ids', hint: 'Comma list' },
  { name: 'created_at', label: 'Created', hint: 'YYYY-MM-DD or a range a,b' },
  { name: 'sold_at', label: 'Sold', hint: 'YYYY-MM-DD or a range a,b' },
  { name: 'completed_at', label: 'Completed', hint: 'YYYY-MM-DD or a range a,b' },
  { name: 'refunded_at', label: 'Refunded', hint: 'YYYY-MM-DD or a range a,b' },
  { name: 'updated_at', label: 'Updated', hint: 'YYYY-MM-DD or a range a,b' },
];
const SORTS = ['', '-id', 'id', '-created_at', 'created_at', '-sold_at', '-price', 'price', '-delivery_time', '-completed_at', '-updated_at'];

interface Query {
  kind: OrderKind;
  filters: Record<string, string>;
  statuses: string[];
  sort: string;
  perPage: number;
  page: number;
}

function listPath(query: Query): string {
  const params = new URLSearchParams();
  // Another kind's offer filter, typed before the kind changed, is not this list's.
  const foreign = new Set(ORDER_KINDS.filter((k) => k !== query.kind).map((k) => KIND_INFO[k].offerFilter));
  for (const [name, value] of Object.entries(query.filters)) {
    if (value.trim() !== '' && !foreign.has(name)) params.set(`filter[${name}]`, value.trim());
  }
  if (query.statuses.length > 0) params.set('filter[status]', query.statuses.join(','));
  if (query.sort) params.set('sort', query.sort);
  params.set('per_page', String(query.perPage));
  params.set('page', String(query.page));
  return `/v2/${query.kind}-orders?${params.toString()}`;
}

const price = (order: Order) => formatMoney(order.price ?? order.price_eur);

export function OrderList(props: { session: Session }) {
  const [query, setQuery] = useState<Query>({ kind: 'account', filters: {}, statuses: [], sort: '', perPage: 15, page: 1 });
  const [draft, setDraft] = useState<Query>(query);
  const [page, setPage] = useState<Page<Order> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    callApi<Page<Order>>(props.session.token, 'GET', listPath(query))
      .then((result) => live && setPage(result))
      .catch((failure: unknown) => live && setError(describeError(failure)));
    return () => {
      live = false;
    };
  }, [query, props.session.token]);

  const setFilter = (name: string, value: string) => setDraft({ ...draft, filters: { ...draft.filters, [name]: value } });
  const toggleStatus = (status: string, on: boolean) =>
    setDraft({ ...draft, statuses: on ? [...draft.statuses, status] : draft.statuses.filter((s) => s !== status) });
  const offerFilter = KIND_INFO[draft.kind].offerFilter;

  return (
    <>
      <OpenOrder />
      <section class="card" aria-labelledby="orders-title">
        <h1 id="orders-title">{KIND_INFO[query.kind].label}</h1>
        <p class="hint">{props.session.isAdmin ? 'Every seller\'s orders.' : 'Your sales. A buyer opens an order by its id above.'}</p>
        <form class="filters" onSubmit={(e) => { e.preventDefault(); setQuery({ ...draft, page: 1 }); }}>
          <div class="field">
            <label for="kind">Kind</label>
            <select id="kind" value={draft.kind} onChange={(e) => { const v = e.currentTarget.value; if (isOrderKind(v)) setDraft({ ...draft, kind: v }); }}>
              {ORDER_KINDS.map((kind) => <option value={kind}>{KIND_INFO[kind].label}</option>)}
            </select>
          </div>
          {[...TEXT_FILTERS, { name: offerFilter, label: 'Offer ids', hint: 'Comma list' }].map((filter) => (
            <div class="field">
              <label for={`filter-${filter.name}`}>{filter.label}</label>
              <input id={`filter-${filter.name}`} type="text" placeholder={filter.hint} value={draft.filters[filter.name] ?? ''}
                onInput={(e) => setFilter(filter.name, e.currentTarget.value)} />
            </div>
          ))}
          <fieldset class="field statuses">
            <legend>Status</legend>
            {ORDER_STATUSES.map((status) => (
              <label class="check">
                <input type="checkbox" checked={draft.statuses.includes(status)} onChange={(e) => toggleStatus(status, e.currentTarget.checked)} />
                {statusLabel(status)}
              </label>
            ))}
          </fieldset>
          <div class="field">
            <label for="sort">Sort</label>
            <select id="sort" value={draft.sort} onChange={(e) => setDraft({ ...draft, sort: e.currentTarget.value })}>
              {SORTS.map((sort) => <option value={sort}>{sort === '' ? 'Default (newest first)' : sort}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="per-page">Per page</label>
            <select id="per-page" value={String(draft.perPage)} onChange={(e) => setDraft({ ...draft, perPage: Number(e.currentTarget.value) })}>
              {[15, 30, 50].map((n) => <option value={String(n)}>{n}</option>)}
            </select>
          </div>
          <div class="actions"><button type="submit">Apply filters</button></div>
        </form>
        {error && <p class="error" role="alert">{error}</p>}
        {page && <OrderTable kind={query.kind} page={page} onPage={(n) => setQuery({ ...query, page: n })} />}
      </section>
    </>
  );
}

function OrderTable(props: { kind: OrderKind; page: Page<Order>; onPage(page: number): void }) {
  const { data, meta } = props.page;
  if (data.length === 0) return <p role="status">No orders match.</p>;
  return (
    <>
      <div class="table-wrap">
        <table>
          <caption>{meta.total} order{meta.total === 1 ? '' : 's'}, page {meta.current_page} of {meta.last_page}</caption>
          <thead>
            <tr><th scope="col">Order</th><th scope="col">Status</th><th scope="col">Buyer</th><th scope="col">Game</th><th scope="col">Price</th><th scope="col">Created</th></tr>
          </thead>
          <tbody>
            {data.map((order) => (
              <tr>
                <td><a href={orderHref(props.kind, order.id)}>#{order.id} {order.title}</a></td>
                <td><span class={`status status-${order.status}`}>{statusLabel(order.status)}</span></td>
                <td>{order.buyer.username}</td>
                <td>{order.game.name}</td>
                <td>{price(order)}</td>
                <td>{formatTime(order.created_at as number)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={meta.current_page <= 1} onClick={() => props.onPage(meta.current_page - 1)}>Previous page</button>
        <button type="button" disabled={meta.current_page >= meta.last_page} onClick={() => props.onPage(meta.current_page + 1)}>Next page</button>
      </nav>
    </>
  );
}

function OpenOrder() {
  const [kind, setKind] = useState<OrderKind>('account');
  const [id, setId] = useState('');
  return (
    <section class="card" aria-labelledby="open-title">
      <h2 id="open-title">Open an order</h2>
      <form class="inline" onSubmit={(e) => { e.preventDefault(); if (/^\d+$/.test(id.trim())) location.hash = orderHref(kind, Number(id.trim())); }}>
        <label for="open-kind">Kind</label>
        <select id="open-kind" value={kind} onChange={(e) => { const v = e.currentTarget.value; if (isOrderKind(v)) setKind(v); }}>
          {ORDER_KINDS.map((k) => <option value={k}>{k}</option>)}
        </select>
        <label for="open-id">Order id</label>
        <input id="open-id" inputMode="numeric" value={id} onInput={(e) => setId(e.currentTarget.value)} />
        <button type="submit">Open</button>
      </form>
    </section>
  );
}
