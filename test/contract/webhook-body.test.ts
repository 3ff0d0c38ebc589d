import { describe, expect, it } from 'vitest';
import { formatOnce, formatWebhookEvent, payloadJson, webhookBody } from '../../src/contract/webhook-events.js';
import type { DomainEvent } from '../../src/domain/events.js';

const message = (text: string): DomainEvent => ({
  type: 'order.message.created',
  order: { kind: 'account', id: 7, seller_id: 3 },
  message: {
    id: '01JD0000000000000000000000', order_kind: 'account', order_id: 7, type: 'user_message', text,
    attachment: null, sender: { id: 3, username: 'seller', is_admin: null }, sent_at: 1_700_000_000,
  },
});

describe('webhook bodies', () => {
  it('are the compact JSON of {event, payload}, byte for byte, whatever the text', () => {
    for (const text of ['plain', 'say "hi" \\ back', 'line\nbreak \u2028 \u{1F3AE}', '']) {
      const formatted = formatWebhookEvent(message(text));
      expect(webhookBody(formatted)).toBe(JSON.stringify({ event: formatted.topic, payload: formatted.payload }));
      expect(payloadJson(formatted)).toBe(JSON.stringify(formatted.payload));
    }
  });

  it('formatOnce formats each event once and gives every caller the same result', () => {
    let calls = 0;
    const format = formatOnce((event) => {
      calls += 1;
      return formatWebhookEvent(event);
    });
    const a = message('a');
    const b = message('b');
    expect(format(a)).toBe(format(a));
    expect(format(b)).not.toBe(format(a));
    expect(calls).toBe(2);
  });
});
