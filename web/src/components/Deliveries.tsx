import { useState } from 'preact/hooks';
import { callApi, describeError } from '../api.js';
import { adminOrderPath, type OrderKind } from '../kinds.js';
import { formatTime } from '../text.js';

export interface Delivery {
  id: number;
  event_id: string;
  topic: string;
  endpoint_id: number;
  endpoint_url: string;
  state: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
  /** The JSON body as delivered: the topic and its payload. */
  body: { event: string; payload: unknown };
}

/** The order's webhook deliveries (admin), each with its payload, and a replay of its event. */
export function Deliveries(props: { token: string; kind: OrderKind; id: number }) {
  const [rows, setRows] = useState<Delivery[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    setError(null);
    try {
      setRows((await callApi<{ data: Delivery[] }>(props.token, 'GET', `${adminOrderPath(props.kind, props.id)}/webhook-deliveries`)).data);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const replay = async (eventId: string) => {
    setError(null);
    try {
      const { data } = await callApi<{ data: { deliveries: number } }>(props.token, 'POST', `/admin/v1/webhook-events/${encodeURIComponent(eventId)}/replay`);
      setNote(`Event ${eventId} queued again for ${data.deliveries} endpoint${data.deliveries === 1 ? '' : 's'}.`);
      await load();
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <section class="card" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Webhook deliveries</h2>
      <button type="button" onClick={load}>{rows === null ? 'Load deliveries' : 'Refresh deliveries'}</button>
      {note && <p role="status">{note}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {rows && rows.length === 0 && <p class="hint">No deliveries for this order (no endpoint of the seller takes its events).</p>}
      {rows && rows.length > 0 && (
        <ul class="deliveries" data-testid="deliveries">
          {rows.map((row) => (
            <li key={row.id}>
              <details>
                <summary>
                  <span class="topic">{row.topic}</span> <span class={`state state-${row.state}`}>{row.state}</span>
                  {' · '}{row.attempts} attempt{row.attempts === 1 ? '' : 's'}
                  {' · '}response {row.last_status_code ?? '—'}
                </summary>
                <dl class="fields">
                  <dt>Event</dt><dd>{row.event_id}</dd>
                  <dt>Endpoint</dt><dd>#{row.endpoint_id} {row.endpoint_url}</dd>
                  <dt>Queued</dt><dd>{formatTime(row.created_at)}</dd>
                  <dt>Finished</dt><dd>{formatTime(row.finished_at)}</dd>
                  <dt>Last error</dt><dd>{row.last_error ?? '—'}</dd>
                </dl>
                <pre class="payload" aria-label="Payload">{JSON.stringify(row.body.payload, null, 2)}</pre>
                <button type="button" aria-label={`Replay event ${row.event_id}`} onClick={() => replay(row.event_id)}>Replay event</button>
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
