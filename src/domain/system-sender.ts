import type { MessageSender } from './ports.js';
import type { User } from './users.js';

/** Parley's rule: system messages are signed by a fixed pseudo-user that no API key can act as. */
export const SYSTEM_SENDER: MessageSender = Object.freeze({ id: 0, username: 'System', is_admin: true });

/** How a message names its author: admins are flagged, everyone else has `is_admin: null`. */
export function messageSender(user: Pick<User, 'id' | 'username' | 'role'> | null): MessageSender {
  if (user === null) return SYSTEM_SENDER;
  return { id: user.id, username: user.username, is_admin: user.role === 'admin' ? true : null };
}
