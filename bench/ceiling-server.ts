/**
 * The ceiling: the fastest a Fastify 5 process on this machine answers the send route. It parses
 * the same JSON body and answers a Message-shaped body, with no key check, no validation and no
 * storage, so Parley's send figures can be read as a fraction of it.
 *
 *   PORT=0 node --import tsx bench/ceiling-server.ts   ->   "Ceiling is listening on http://127.0.0.1:<port>"
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
let sequence = 0;

app.post<{ Params: { id: string }; Body: { message?: unknown } | null }>('/v2/account-orders/:id/messages', async (request) => {
  const text = typeof request.body?.message === 'string' ? request.body.message : '';
  sequence += 1;
  return {
    data: {
      id: `01BENCH${String(sequence).padStart(19, '0')}`,
      type: 'user_message',
      text,
      attachment: null,
      sender: { id: 1, username: 'bench-seller', is_admin: null },
      sent_at: Math.floor(Date.now() / 1000),
    },
  };
});

// Also a webhook receiver for the "send with a webhook endpoint" scenario: takes the delivery, answers 204.
app.post('/webhook-sink', async (_request, reply) => reply.code(204).send());

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`Ceiling is listening on ${address}\n`);

const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
