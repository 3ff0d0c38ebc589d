import { useState } from 'preact/hooks';
import { callApi, describeError } from '../api.js';
import { adminOrderPath, nextStatuses, statusLabel, type Order, type OrderKind } from '../kinds.js';

/** Sandbox only: move the order along its lifecycle with the admin API (a system message records it). */
export function StatusMover(props: { token: string; kind: OrderKind; order: Order; onChange(order: Order): void }) {
  const options = nextStatuses(props.order.status);
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (options.length === 0) return null;
  const chosen = options.includes(target as never) ? target : options[0]!;

  const move = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      props.onChange((await callApi<{ data: Order }>(props.token, 'PATCH', adminOrderPath(props.kind, props.order.id), { status: chosen })).data);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <form class="inline" onSubmit={move}>
      <label for="next-status">Move to</label>
      <select id="next-status" value={chosen} onChange={(e) => setTarget(e.currentTarget.value)}>
        {options.map((status) => <option value={status}>{statusLabel(status)}</option>)}
      </select>
      <button type="submit">Change status</button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}

export type Voice = 'self' | 'buyer';

/** Whom an admin's message goes out as: the admin, or (sandbox) the order's buyer. */
export function VoicePicker(props: { voice: Voice; buyer: string; onChange(voice: Voice): void }) {
  return (
    <fieldset class="voice">
      <legend>Send as</legend>
      <label class="check">
        <input type="radio" name="voice" checked={props.voice === 'self'} onChange={() => props.onChange('self')} /> Admin
      </label>
      <label class="check">
        <input type="radio" name="voice" checked={props.voice === 'buyer'} onChange={() => props.onChange('buyer')} /> Buyer {props.buyer}
      </label>
    </fieldset>
  );
}
