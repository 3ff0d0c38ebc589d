import { afterAll, beforeAll, expect } from 'vitest';
import { startTestParley, type TestParley } from '../support/parley.js';
import { Receiver } from './receiver.js';

/** Every topic an endpoint can subscribe to (GameBoost's, then Parley's extensions). */
export const ALL_TOPICS = [
  'account.order.purchased',
  'item.order.purchased',
  'currency.order.purchased',
  'order.message.created',
  'order.status.updated',
] as const;

export interface CreatedEndpoint {
  id: number;
  secret: string;
  resource: any;
}

/** POST /admin/v1/users/{id}/webhook-endpoints, expecting 201; returns the once-shown secret. */
export async function createEndpoint(
  parley: TestParley,
  userId: number,
  url: string,
  events: readonly string[] = ALL_TOPICS,
  extra: Record<string, unknown> = {},
): Promise<CreatedEndpoint> {
  const res = await parley.admin.post(`/admin/v1/users/${userId}/webhook-endpoints`, { url, events, ...extra });
  expect(res.status, res.text).toBe(201);
  const { secret, ...resource } = res.body.data;
  return { id: res.body.data.id, secret, resource };
}

/** A seller sends a chat message on an account order; returns the Message resource. */
export async function sendMessage(parley: TestParley, token: string, orderId: number, message: string, path = '/v2/account-orders'): Promise<any> {
  const res = await parley.api.post(`${path}/${orderId}/messages`, { message }, { token });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

/** The delivery log of an endpoint (first page, newest first). */
export async function deliveryLog(parley: TestParley, endpointId: number, query = ''): Promise<any> {
  const res = await parley.admin.get(`/admin/v1/webhook-endpoints/${endpointId}/deliveries${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** The order as webhooks carry it: the API resource with `credentials` blanked out when the kind has them. */
export function withoutCredentials(resource: Record<string, unknown>): Record<string, unknown> {
  return 'credentials' in resource ? { ...resource, credentials: null } : resource;
}

/**
 * A receiver and a Parley for the enclosing suite (started before its tests, stopped after them;
 * the receiver first, so that hanging requests do not hold up the worker's shutdown).
 */
export function receiverAndParley(env: Record<string, string>): { readonly parley: TestParley; readonly receiver: Receiver } {
  let parley: TestParley | undefined;
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    receiver = await Receiver.start();
    parley = await startTestParley(env);
  });
  afterAll(async () => {
    await receiver?.close();
    await parley?.close();
  });
  return {
    get parley() {
      return parley!;
    },
    get receiver() {
      return receiver!;
    },
  };
}
