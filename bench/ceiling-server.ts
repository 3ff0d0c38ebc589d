/**
 * The ceiling: the fastest a Fastify 5 process on this machine answers the send route. It parses
 * the same JSON body and answers a Message-shaped body, with no key check, no validation and no
 * storage, so Parley's send figures can be read as a fraction of it.
 *
 *   PORT=0 node --import tsx bench/ceiling-server.ts   ->   "Ceiling is listening on http://127.0.0.1:<port>"
 *
 * Given a JSON file `{ "<path>": "<body>", ... }` (`bench/ceiling-server.ts <file>`), it also
 * answers GET on each of those paths with exactly that body, captured from Parley for the same
 * request: the ceiling of a read is Fastify sending the very bytes Parley sent, and nothing else.
 */
import fs from 'node:fs';
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

const bodiesFile = process.argv[2];
if (bodiesFile) {
  const bodies = new Map(Object.entries(JSON.parse(fs.readFileSync(bodiesFile, 'utf8')) as Record<string, string>).map(([url, body]) => [url, Buffer.from(body)]));
  app.get('/*', async (request, reply) => {
    const body = bodies.get(request.url);
    if (!body) return reply.code(404).send();
    return reply.type('application/json; charset=utf-8').send(body);
  });
}


const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`Ceiling is listening on ${address}\n`);

const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
