import { expect } from 'vitest';
import type { ApiClient, ApiResponse } from '../support/api-client.js';
import type { OrderScenario } from '../support/fixtures.js';

export type Instance = 'A' | 'B';

export const messagesPath = (order: { id: number }) => `/v2/account-orders/${order.id}/messages`;

/** The texts of the user messages of a thread listing. */
export const userMessageTexts = (res: ApiResponse): string[] =>
  (res.body.data as Array<{ type: string; text: string }>).filter((m) => m.type === 'user_message').map((m) => m.text);

/**
 * The chat limit (`limit` sends a minute) is one count across both instances: the seller's
 * sends, alternating `first`, `second`, ..., count down one window; then the next send is refused
 * on either; and the buyer (own key, own bucket) lists, through each instance, exactly the sends
 * that were accepted.
 */
export async function expectSharedChatLimit(
  instances: Record<Instance, ApiClient>,
  scenario: OrderScenario,
  first: Instance,
  second: Instance,
  limit: number,
): Promise<void> {
  const send = (on: Instance, text: string) =>
    instances[on].post(messagesPath(scenario.order), { message: text }, { token: scenario.seller.token });
  const remaining = (res: ApiResponse) => res.headers.get('x-ratelimit-remaining');

  const order = Array.from({ length: limit }, (_, i) => (i % 2 === 0 ? first : second));
  const resets = new Set<string | null>();
  for (const [i, on] of order.entries()) {
    const res = await send(on, `m${i + 1} via ${on}`);
    expect(res.status, `send ${i + 1} via ${on}: ${res.text}`).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe(String(limit));
    expect(remaining(res), `send ${i + 1} via ${on}`).toBe(String(limit - 1 - i));
    resets.add(res.headers.get('x-ratelimit-reset'));
  }
  expect(resets.size, 'one window for both instances').toBe(1);

  // The next one, on the instance that sent the first: 429; and the other one agrees.
  for (const on of [first, second]) {
    const limited = await send(on, `over via ${on}`);
    expect(limited.status, `send ${limit + 1}+ via ${on}`).toBe(429);
    expect(limited.body.message).toBe('Too many requests.');
    expect(remaining(limited)).toBe('0');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-ratelimit-reset')).toBe([...resets][0]);
  }

  // The messages sent through A and through B, and none of the refused ones.
  const expected = order.map((on, i) => `m${i + 1} via ${on}`);
  for (const on of [second, first]) {
    const listed = await instances[on].get(messagesPath(scenario.order), { token: scenario.buyer.token });
    expect(listed.status, listed.text).toBe(200);
    expect(userMessageTexts(listed), `listed via ${on}`).toEqual(expected);
  }
}
