import type { TestParley } from '../../support/parley.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(n: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = CROCKFORD[n % 32] + out;
    n = Math.floor(n / 32);
  }
  return out;
}

/** ULIDs of one millisecond, in order: the i-th sorts after the (i-1)-th. */
export function ulidSequence(count: number, ms = Date.now()): string[] {
  return Array.from({ length: count }, (_, i) => base32(ms, 10) + base32(i, 16));
}

export interface StoredMessageRow {
  id: string;
  type: 'user_message' | 'system_message';
  text: string;
  sender_id: number | null;
}

/**
 * Writes messages straight into a thread (thousands through the API would only slow the test
 * down): many rows a statement, on either database.
 */
export function insertMessages(parley: TestParley, kind: string, orderId: number, rows: StoredMessageRow[], sentAt = 1_767_225_600): void {
  const perStatement = 50;
  parley.writeDb((db) => {
    for (let i = 0; i < rows.length; i += perStatement) {
      const batch = rows.slice(i, i + perStatement);
      const values = batch.map(() => '(?, ?, ?, ?, ?, null, ?, ?)').join(', ');
      const params = batch.flatMap((r) => [r.id, kind, orderId, r.type, r.text, r.sender_id, sentAt]);
      db.prepare(`insert into messages (id, order_kind, order_id, type, text, attachment, sender_id, sent_at) values ${values}`).run(...params);
    }
  });
}

/** What lies between `{"data":[` and `],"message":null}` of a thread answer, as sent. */
export function innerArray(text: string): string {
  const head = '{"data":[';
  const tail = '],"message":null}';
  if (!text.startsWith(head) || !text.endsWith(tail)) throw new Error(`not a thread answer: ${text.slice(0, 80)}...`);
  return text.slice(head.length, text.length - tail.length);
}
