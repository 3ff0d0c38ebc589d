import { Type, type Static } from 'typebox';
import type { MessageRecord } from '../domain/ports.js';
import { Nullable, StringEnum } from './common.js';

export const MessageSenderSchema = Type.Object(
  {
    id: Type.Integer({ description: 'Unique identifier for the sender (0 for system messages)' }),
    username: Type.String({ description: 'Username of the sender' }),
    is_admin: Nullable(Type.Boolean({ description: 'true for admin and system messages, null otherwise' })),
  },
  { additionalProperties: false, description: 'Message sender information' },
);

export const MessageSchema = Type.Object(
  {
    id: Type.String({ description: 'Unique identifier for the message; ids sort by time' }),
    type: StringEnum(['user_message', 'system_message'] as const, { description: 'Type of message' }),
    text: Type.String({ description: 'Text content of the message' }),
    attachment: Nullable(Type.Object({}, { additionalProperties: true, description: 'Optional attachment' })),
    sender: MessageSenderSchema,
    sent_at: Type.Integer({ description: 'Unix timestamp when the message was sent' }),
  },
  { additionalProperties: false, description: 'Message object representing a chat message in an order conversation' },
);

export const SendMessageBody = Type.Object({
  message: Type.String({
    maxLength: 10000,
    description: 'Text content of the message to send to the buyer/seller. Trimmed; at most 10000 Unicode characters.',
    examples: ['Hi! I have completed the delivery. Please check your account and confirm receipt.'],
  }),
});

export const MessageEnvelope = Type.Object({ data: MessageSchema }, { additionalProperties: false });

export const MessageListEnvelope = Type.Object(
  { data: Type.Array(MessageSchema), message: Nullable(Type.String()) },
  { additionalProperties: false },
);

/** The Message resource of a stored message: the one serializer for the API, webhooks and streams. */
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
