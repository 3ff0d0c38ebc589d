import { createHmac } from 'node:crypto';

/** Standard Webhooks keys are the base64 after `whsec_`; any other secret is used as its UTF-8 bytes. */
function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

export function gameBoostSignature(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  return createHmac('sha256', standardKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/**
 * Every header a delivery carries. `secrets` lists the signing secrets, current first: during a
 * rotation the old one is still there, and the multi-signature headers carry both.
 */
export function deliveryHeaders(input: { eventId: string; topic: string; body: string; timestamp: number; secrets: string[] }): Record<string, string> {
  const { eventId, topic, body, timestamp, secrets } = input;
  // Computed once: `signature` is the current secret's, the first of the list.
  const gameBoost = secrets.map((s) => gameBoostSignature(s, body));
  return {
    'content-type': 'application/json',
    'user-agent': 'GameBoost Server',
    signature: gameBoost[0]!,
    'x-gameboost-signature': gameBoost.join(','),
    'x-gameboost-event-id': eventId,
    'x-gameboost-topic': topic,
    'x-gameboost-timestamp': String(timestamp),
    'webhook-id': eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => `v1,${standardSignature(s, eventId, timestamp, body)}`).join(' '),
  };
}
