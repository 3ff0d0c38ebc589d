import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** How long a client may take, and how many connections one address may hold (config.ts `http`). */
export interface HttpServerLimits {
  /** Until the whole request (headers and body) has arrived; 0: no limit. */
  requestTimeoutSeconds: number;
  /** Until the request headers have arrived (capped at the request time). */
  headersTimeoutSeconds: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutSeconds: number;
  /** Open connections per client address; beyond it a new one is closed at once. 0: no cap. */
  maxConnectionsPerIp: number;
}

export const DEFAULT_HTTP_SERVER_LIMITS: HttpServerLimits = {
  requestTimeoutSeconds: 60,
  headersTimeoutSeconds: 20,
  // Above the idle timeout of common load balancers (60 s), so that the balancer, not Parley,
  // closes an idle upstream connection: otherwise it may send a request on a closing one (502).
  keepAliveTimeoutSeconds: 72,
  maxConnectionsPerIp: 256,
};

const NOT_FOUND = 'Resource not found.';

/** Node's parser errors, in Laravel's words; anything else it refuses is a plain 400. */
const CLIENT_ERRORS: Record<string, readonly [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request took too long to arrive.'],
  HPE_HEADER_OVERFLOW: [431, 'The request headers are too large.'],
};
const BAD_REQUEST = [400, 'Bad request.'] as const;

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses (a bad byte in a header, a
 * malformed request line, headers over 16 KiB, a request that did not arrive in time) never
 * reaches a route, so the answer is written to the socket here, in the same shape as every
 * other error: `{"message", "request_id"}` and the X-GameBoost-Request-Id header.
 */
export function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] = CLIENT_ERRORS[error.code ?? ''] ?? BAD_REQUEST;
  // Node's internals, read defensively: the response in flight, and the request being read.
  const internals = socket as Socket & { _httpMessage?: { headersSent?: boolean } | null; parser?: { incoming?: { complete?: boolean } | null } | null };
  const response = internals._httpMessage;
  const incoming = internals.parser?.incoming;
  // Answered already: a response is going out, or went out for the request whose body is still
  // arriving (a 401 does not wait for the body). A second answer would be one nobody asked for.
  const answered = response ? response.headersSent === true : incoming?.complete === false;
  if (socket.writable && !answered) {
    const id = randomUUID();
    const body = JSON.stringify({ message, request_id: id });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-GameBoost-Request-Id: ${id}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  // A client error is the client's, not the server's: no stack trace at the default level.
  this.log.debug({ err: error, status }, 'client error');
  socket.destroy(error);
}

/**
 * Fastify's `frameworkErrors`: the router's refusals, which skip the app's hooks and error
 * handler. A path that does not decode (FST_ERR_BAD_URL) or a path parameter over 100 characters
 * (FST_ERR_MAX_PARAM_LENGTH) names no resource: every parameter is an id, so 404 as for any
 * other id that does not exist, instead of Fastify's 400/414 bodies that echo the path.
 */
export function frameworkErrorHandler(_error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply
    .code(404)
    .header('X-GameBoost-Request-Id', request.id)
    .type('application/json; charset=utf-8')
    .send({ message: NOT_FOUND, request_id: request.id });
}

/** Node's `http.createServer` options for the limits; Fastify sets requestTimeout and keepAliveTimeout itself. */
export function httpServerOptions(limits: HttpServerLimits): { requestTimeout: number; headersTimeout: number; connectionsCheckingInterval: number; requireHostHeader: boolean } {
  const requestTimeout = limits.requestTimeoutSeconds * 1000;
  // Node refuses a header time above the request time.
  const headersTimeout = requestTimeout > 0 ? Math.min(limits.headersTimeoutSeconds * 1000, requestTimeout) : limits.headersTimeoutSeconds * 1000;
  const shortest = Math.min(...[requestTimeout, headersTimeout].filter((ms) => ms > 0), 20_000);
  return {
    requestTimeout,
    headersTimeout,
    // Node looks for expired requests this often (default 30 s, which would double a 30 s limit).
    connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(shortest / 4))),
    // Node answers a missing Host with an empty 400; the app answers it in the Laravel shape.
    requireHostHeader: false,
  };
}

/**
 * Caps the open connections of one client address: beyond `max`, a new connection is closed at
 * once (before a byte is read, so without an answer). Counting sockets on 'connection' costs
 * nothing per request. Behind a reverse proxy every client has the proxy's address.
 */
export function limitConnectionsPerAddress(server: Server, max: number): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) return; // already gone
    const count = open.get(address) ?? 0;
    if (count >= max) {
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
