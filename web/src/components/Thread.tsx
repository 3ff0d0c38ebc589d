import type { Message, Order } from '../kinds.js';
import { formatTime } from '../text.js';

/** Who wrote it, as the reader of the thread needs to know: system, admin, buyer or seller. */
function author(message: Message, order: Order): { role: string; name: string } {
  if (message.type === 'system_message') return { role: 'system', name: 'System' };
  if (message.sender.is_admin) return { role: 'admin', name: `Admin ${message.sender.username}` };
  if (message.sender.id === order.buyer.id) return { role: 'buyer', name: `Buyer ${message.sender.username}` };
  return { role: 'seller', name: `Seller ${message.sender.username}` };
}

/** The thread is a live region: a screen reader reads each new message as it arrives. */
export function Thread(props: { messages: Message[]; order: Order; loaded: boolean }) {
  return (
    <section class="card thread-card" aria-labelledby="thread-title">
      <h2 id="thread-title">Conversation</h2>
      {props.loaded && props.messages.length === 0 && <p class="hint">No messages yet.</p>}
      <ol class="thread" aria-live="polite" aria-relevant="additions" aria-busy={!props.loaded} aria-label="Messages" data-testid="thread">
        {props.messages.map((message) => {
          const who = author(message, props.order);
          return (
            <li key={message.id} class={`msg msg-${who.role}`} data-message-id={message.id}>
              <p class="meta">
                <span class="who">{who.name}</span>
                {message.type === 'system_message' && <span class="visually-hidden"> (system message)</span>}
                {' · '}
                <time dateTime={new Date(message.sent_at * 1000).toISOString()}>{formatTime(message.sent_at)}</time>
              </p>
              <p class="text">{message.text}</p>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Adds what is new, by id, in id order (message ids sort by time). */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return current;
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
