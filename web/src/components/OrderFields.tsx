import { useState } from 'preact/hooks';
import { formatMoney, statusLabel, type Order } from '../kinds.js';
import { formatTime } from '../text.js';

const TIMES = new Set(['created_at', 'updated_at', 'purchased_at', 'completed_at', 'refunded_at']);
const SHOWN_ELSEWHERE = new Set(['id', 'title', 'status', 'credentials']);

/** One field as a person reads it: names for the nested objects, dates for timestamps. */
function show(name: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (TIMES.has(name)) return formatTime(value as number);
  if (name === 'game') return (value as { name: string }).name;
  if (name === 'buyer') return `${(value as { username: string }).username} (#${(value as { id: number }).id})`;
  if (name === 'delivery_time') return (value as { format_long: string }).format_long;
  if (typeof value === 'object' && typeof (value as { format?: unknown }).format === 'string') return formatMoney(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function OrderFields(props: { order: Order }) {
  const entries = Object.entries(props.order).filter(([name]) => !SHOWN_ELSEWHERE.has(name));
  return (
    <dl class="fields">
      <dt>Status</dt>
      <dd><span class={`status status-${props.order.status}`} data-testid="order-status">{statusLabel(props.order.status)}</span></dd>
      {entries.map(([name, value]) => (
        <>
          <dt>{name.replace(/_/g, ' ')}</dt>
          <dd>{show(name, value)}</dd>
        </>
      ))}
    </dl>
  );
}

/** Masked until asked for: credentials are a secret on the screen too. */
export function Credentials(props: { credentials: string | null | undefined }) {
  const [shown, setShown] = useState(false);
  if (props.credentials === undefined) return null;
  return (
    <section class="card" aria-labelledby="credentials-title">
      <h2 id="credentials-title">Credentials</h2>
      {props.credentials === null ? (
        <p class="hint">Not delivered yet.</p>
      ) : (
        <>
          <pre class="credentials" data-testid="credentials">{shown ? props.credentials : '••••••••••••'}</pre>
          <button type="button" aria-pressed={shown} onClick={() => setShown(!shown)}>{shown ? 'Hide credentials' : 'Show credentials'}</button>
        </>
      )}
    </section>
  );
}
