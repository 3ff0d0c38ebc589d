import http from 'node:http';
import type { ApiClient, ApiResponse } from '../../support/api-client.js';
import type { OrderScenario } from '../../support/fixtures.js';
import type { TestParley } from '../../support/parley.js';

export const messagesPath = (scenario: OrderScenario) => `/v2/account-orders/${scenario.order.id}/messages`;

/** A send with an Idempotency-Key, as the seller. */
export function keyedSend(parley: TestParley, scenario: OrderScenario, key: string, message: string, api: ApiClient = parley.api): Promise<ApiResponse> {
  return api.post(messagesPath(scenario), { message }, { token: scenario.seller.token, headers: { 'Idempotency-Key': key } });
}

/** The user messages of the scenario's order, oldest first. */
export function storedTexts(parley: TestParley, scenario: OrderScenario): string[] {
  return parley.readDb((db) =>
    (db.prepare("select text from messages where order_id = ? and type = 'user_message' order by id").all(scenario.order.id) as { text: string }[]).map((r) => r.text));
}

export function storedKeys(parley: TestParley): { idempotency_key: string; status: number | null }[] {
  return parley.readDb((db) => db.prepare('select idempotency_key, status from idempotency_keys order by idempotency_key').all() as never);
}

/**
 * Requests on keep-alive connections that already served one request each, all written in one
 * turn: the server reads them together, in one turn of its own.
 */
export async function simultaneousPosts(baseUrl: string, path: string, headers: Record<string, string>, body: string, count: number): Promise<{ status: number; body: any }[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: count });
  const send = (method: string, target: string, payload?: string) => new Promise<{ status: number; body: any }>((resolve, reject) => {
    const request = http.request(new URL(target, baseUrl), { method, agent, headers: payload === undefined ? {} : { ...headers, 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
    });
    request.once('error', reject);
    request.end(payload);
  });
  try {
    await Promise.all(Array.from({ length: count }, () => send('GET', '/health')));
    return await Promise.all(Array.from({ length: count }, () => send('POST', path, body)));
  } finally {
    agent.destroy();
  }
}
