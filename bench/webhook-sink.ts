/**
 * The webhook receiver of the `send-webhook` scenario, in its own process: answers every POST
 * with 204 at once (after reading the body) and counts them. `GET /count` answers
 * `{"received": <POSTs>, "events": <distinct webhook-id headers>}`.
 *
 *   PORT=0 node dist/bench/webhook-sink.js   ->   "Webhook sink is listening on http://127.0.0.1:<port>"
 */
import http from 'node:http';

let received = 0;
const events = new Set<string>();

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/count') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ received, events: events.size }));
    return;
  }
  request.on('data', () => {});
  request.on('end', () => {
    received += 1;
    const id = request.headers['webhook-id'];
    if (typeof id === 'string') events.add(id);
    response.writeHead(204);
    response.end();
  });
});
// Parley keeps its connections open between deliveries: never close them for idling.
server.keepAliveTimeout = 120_000;

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`Webhook sink is listening on http://127.0.0.1:${address.port}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
