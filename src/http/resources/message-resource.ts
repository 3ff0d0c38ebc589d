import type { Static } from 'typebox';
import type { MessageRecord } from '../../domain/ports.js';
import type { MessageSchema } from '../schemas/message.js';

export function toMessageResource(message: MessageRecord): Static<typeof MessageSchema> {
  return {
    id: message.id,
    type: message.type,
    text: message.text,
    attachment: message.attachment,
    sender: message.sender,
    sent_at: message.sent_at,
  };
}
