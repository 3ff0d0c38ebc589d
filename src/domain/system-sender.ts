import type { MessageSender } from './ports.js';

/** Parley's rule: system messages are signed by a fixed pseudo-user that no API key can act as. */
export const SYSTEM_SENDER: MessageSender = Object.freeze({ id: 0, username: 'System', is_admin: true });
