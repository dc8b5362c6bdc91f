import { setting, type Env } from './config';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { SpanKind, trace } from '@opentelemetry/api';
import { bindRequestScope, requestIdFrom, type RequestScope } from './observability/request-scope';
import { traceIdOf, type Tracing } from './observability/tracing';

export interface HttpRoute {
  (req: IncomingMessage, res: ServerResponse): Promise<void> | void;
}

export interface ServeOptions<TContext extends BaseContext> {
  server: ApolloServer<TContext>;
  context: ContextFunction<[{ req: IncomingMessage }], TContext>;
  port: number;
  host?: string;
  /**
   * Extra routes by path (e.g. /health, /ready). A key ending in `/*` is a prefix route: `/dashboard/*`
   * serves `/dashboard` and every path below it (`/dashboard/`, `/dashboard/app.js`); exact keys win,
   * then the longest prefix.
   */
  routes?: Record<string, HttpRoute>;
  /** Body size limit in bytes. */
  maxBodyBytes?: number;
  /** Most operations one batched HTTP request (a JSON array) may carry; default 1 (no batching). */
  maxBatch?: number;
  /** Tracing of the service: each GraphQL request gets a server span, child of the caller's traceparent. */
  tracing?: Tracing;
  /**
   * Called once every GraphQL request has been answered (or has failed in any way), with the context
   * it was given, if one was made: the one place a request's resources (its database transaction)
   * are released, whatever happened before.
   */
  endRequest?: (context: TContext) => Promise<void>;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  http: Server;
  /** True once close() was called: the service is draining and not ready. */
  readonly draining: boolean;
  /**
   * Stops taking requests and waits for those in flight: the port stops listening (new connections
   * are refused), requests arriving on kept-alive connections get 503, the ones in flight finish and
   * their connections close. After `graceMs` (default SHUTDOWN_GRACE_MS or 25 s) the rest are cut.
   */
  close(graceMs?: number): Promise<void>;
}

function shutdownGraceMs(): number {
  return setting('SHUTDOWN_GRACE_MS');
}

/** An answer to a request the HTTP layer refuses itself, before any GraphQL: a status and a GraphQL-shaped error. */
class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'BAD_REQUEST',
  ) {
    super(message);
  }
}

/** The body of an error answer the HTTP layer writes itself (same shape as Apollo's). */
function errorBody(message: string, code: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

function tooLarge(limit: number): HttpRefusal {
  return new HttpRefusal(
    413,
    `The request body is larger than ${limit} bytes, the most this service accepts: send a smaller request (fewer or shorter variables, one operation at a time).`,
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a request body of at most `limit` bytes as UTF-8. A body announced or found larger is refused
 * with 413 at once; the request is not destroyed, so the answer reaches the client (the connection
 * closes after it). Bytes that are not UTF-8 are refused (400) rather than turned into U+FFFD.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > limit) return reject(tooLarge(limit));
    let size = 0;
    let over = false;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) return;
      try {
        resolve(utf8.decode(Buffer.concat(chunks)));
      } catch {
        reject(new HttpRefusal(400, 'The request body is not valid UTF-8: send JSON encoded as UTF-8.'));
      }
    });
    req.on('error', reject);
    // A client that goes away before its body is complete: the request ends here (nothing is run).
    req.on('close', () => {
      if (!req.complete) reject(Object.assign(new HttpRefusal(400, 'The client closed the request before sending all of it'), { aborted: true }));
    });
  });
}

/**
 * Requests Node's HTTP parser refuses before any handler sees them (headers over the 16 KB limit, a
 * method or header it does not know, a broken chunked body…) get a short JSON answer that says what
 * was wrong, instead of a bare status line; the connection then closes.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request headers are larger than the 16 KB this service accepts: send fewer or shorter headers (and a shorter URL).']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT'
        ? [408, 'The request took too long to arrive: send it again.']
        : [400, 'The request is not valid HTTP/1.1 (its request line, a header or the body framing): send a well-formed request.'];
  const body = errorBody(message, 'BAD_REQUEST');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Finds the route for a path: an exact key first, then the longest `<prefix>/*` key covering it. */
export function routeMatcher(routes: Record<string, HttpRoute>): (pathname: string) => HttpRoute | undefined {
  const prefixes = Object.keys(routes)
    .filter((key) => key.endsWith('/*'))
    .map((key) => ({ base: key.slice(0, -2), route: routes[key] }))
    .sort((a, b) => b.base.length - a.base.length);
  return (pathname) => {
    if (Object.hasOwn(routes, pathname) && !pathname.endsWith('/*')) return routes[pathname];
    return prefixes.find(({ base }) => pathname === base || pathname.startsWith(`${base}/`))?.route;
  };
}

/**
 * The largest request body accepted by default: 6 MB, so a community's whole residents register
 * (a CSV of up to 5 MB, JSON-escaped, see the community subgraph's residents import) fits in one request.
 */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/**
 * Runs one GraphQL request whose body has been read and parsed, and ends what its context holds: the
 * one path every GraphQL request of a service takes, whether it came over HTTP (`serveApollo`) or from
 * the gateway in the same process (a subgraph's `inProcess`). The context is made at most once, when
 * Apollo Server asks for it; `endRequest` is called with it whatever happened.
 */
export function graphqlHandler<TContext extends BaseContext>(server: ApolloServer<TContext>, endRequest?: (context: TContext) => Promise<void>) {
  return async (httpGraphQLRequest: HTTPGraphQLRequest, context: () => Promise<TContext>): Promise<HTTPGraphQLResponse> => {
    let made: Promise<TContext> | undefined;
    try {
      return await server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => (made ??= context()) });
    } finally {
      await endContext(made, endRequest);
    }
  };
}

/** Ends a request's context, if one was made (its transaction, through `endRequest`); never throws. */
export async function endContext<TContext>(made: Promise<TContext> | undefined, endRequest?: (context: TContext) => Promise<void>): Promise<void> {
  const ctx = await made?.catch(() => undefined);
  if (ctx && endRequest) await endRequest(ctx).catch(() => undefined);
}

/**
 * The scope of one GraphQL request: its id and its server span, child of the caller's W3C traceparent
 * (the gateway's fetch span for a subgraph), when the service traces.
 */
export function startRequestScope(
  tracing: Tracing | undefined,
  requestId: string,
  headers: Record<string, string | string[] | undefined>,
  attributes: Record<string, string> = {},
): RequestScope {
  const parent = tracing?.extract(headers);
  const span = tracing?.tracer.startSpan('graphql', { kind: SpanKind.SERVER, attributes: { ...attributes, 'cgp.request_id': requestId } }, parent);
  return { requestId, span, context: span && parent ? trace.setSpan(parent, span) : undefined, traceId: traceIdOf(span) };
}

/** Serves an Apollo Server on a plain Node HTTP server at /graphql (and /), plus extra routes. */
export async function serveApollo<TContext extends BaseContext>(options: ServeOptions<TContext>): Promise<RunningHttpServer> {
  const { server, context, routes = {}, maxBodyBytes = MAX_BODY_BYTES, maxBatch = 1 } = options;
  const findRoute = routeMatcher(routes);
  const execute = graphqlHandler(server, options.endRequest);
  const running = new InFlight();
  let draining = false;
  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL, scope: RequestScope) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const text = await readBody(req, maxBodyBytes);
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch (error) {
        const detail = error instanceof SyntaxError ? ` (${error.message.slice(0, 120)})` : '';
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(errorBody(`The request body is not valid JSON${detail}: send one JSON object { "query": …, "variables": {…} }.`, 'BAD_REQUEST'));
        return;
      }
      if (Array.isArray(body) && body.length > maxBatch) {
        const message =
          maxBatch > 1
            ? `The request batches ${body.length} operations; the limit is ${maxBatch} per HTTP request (GATEWAY_MAX_BATCH). Send fewer at once.`
            : 'Batched operations are not accepted here: send one operation per HTTP request.';
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] }));
        return;
      }
    }
    const result = await execute({ method: req.method ?? 'GET', headers, search: url.search, body }, () => context({ req }));
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    scope.span?.setAttribute('http.response.status_code', res.statusCode);
    // A request finished while draining closes its connection: nothing keeps the process alive.
    if (draining) res.setHeader('connection', 'close');
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // One request id per request: the caller's (the gateway passes its own to the subgraphs) or a new one.
    const requestId = requestIdFrom(req.headers['x-request-id']);
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    try {
      const route = findRoute(url.pathname);
      if (route) return await route(req, res);
      if (url.pathname !== '/graphql' && url.pathname !== '/') {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(errorBody('Nothing is served at this path: send GraphQL requests to /graphql.', 'NOT_FOUND'));
        return;
      }
      if (draining) {
        res.writeHead(503, { 'content-type': 'application/json', connection: 'close', 'retry-after': '1' });
        res.end(
          JSON.stringify({ errors: [{ message: 'The service is shutting down; send the request again.', extensions: { code: 'SERVICE_UNAVAILABLE' } }] }),
        );
        return;
      }
      // The request's server span, child of the caller's W3C traceparent (the gateway's fetch span for a subgraph).
      const scope = startRequestScope(options.tracing, requestId, req.headers, { 'http.request.method': req.method ?? 'GET', 'url.path': url.pathname });
      try {
        bindRequestScope(req, scope);
        await running.track(handle(req, res, url, scope));
      } finally {
        scope.span?.end();
      }
    } catch (error) {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (error instanceof HttpRefusal) {
        // A body too large is not read any further: the connection closes once the answer is out.
        res.writeHead(error.status, { 'content-type': 'application/json', ...(error.status === 413 ? { connection: 'close' } : {}) });
        res.end(errorBody(error.message, error.code));
        return;
      }
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(errorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
    }
  };
  const http = createServer((req, res) => void serve(req, res));
  http.on('clientError', answerClientError);
  http.keepAliveTimeout = 65_000;
  // Connections that never carried a request (a client that connected, then gave up): Node does not
  // count them as idle, so a drain would wait its whole grace for them; close() ends them at once.
  const unused = new Set<Socket>();
  http.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  http.on('request', (req: IncomingMessage) => unused.delete(req.socket));
  const port = await listen(http, options.port, options.host);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    http,
    get draining() {
      return draining;
    },
    close: (graceMs = shutdownGraceMs()) =>
      new Promise<void>((resolve) => {
        draining = true;
        const started = Date.now();
        const cut = setTimeout(() => http.closeAllConnections(), graceMs);
        cut.unref();
        http.close(() => {
          clearTimeout(cut);
          // A request whose client went away is still being worked on: it ends (and releases its transaction) first.
          void running.settled(Math.max(0, graceMs - (Date.now() - started))).then(resolve);
        });
        http.closeIdleConnections();
        for (const socket of unused) socket.destroy();
      }),
  };
}

/**
 * The requests a service is working on. Its HTTP server closes once every connection has ended, which
 * a client that gives up ends early; the work goes on until it answers, and must end before the
 * service closes its pool under it.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const done = () => this.running.delete(work);
    work.then(done, done);
    return work;
  }

  /** Waits until nothing is running, or `timeoutMs` has passed. */
  async settled(timeoutMs: number): Promise<void> {
    if (!this.running.size) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }
}

/** Listens on `port` (0: any free one) and answers the port taken; a port in use (EADDRINUSE) fails with its code and port, for a one-line message. */
function listen(http: Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.removeListener('error', reject);
      resolve((http.address() as AddressInfo).port);
    });
  });
}

export interface RunningOperationsServer {
  /** Base URL, e.g. http://127.0.0.1:4101 (its /metrics is the Prometheus scrape target). */
  url: string;
  port: number;
  http: Server;
  close(): Promise<void>;
}

/**
 * The operations server of a process: /metrics (and whatever else is only for operators) on a port of
 * its own, bound to 127.0.0.1 unless told otherwise, so nothing a caller reaches through the public
 * port (the ingress, the gateway's Service) can read it. Anything else answers 404.
 */
export async function serveOperations(options: { port: number; host?: string; routes: Record<string, HttpRoute> }): Promise<RunningOperationsServer> {
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const route = Object.hasOwn(options.routes, pathname) ? options.routes[pathname] : undefined;
    try {
      if (!route) return json(res, 404, { error: 'not found' });
      if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'GET only' });
      await route(req, res);
    } catch {
      if (!res.headersSent) json(res, 500, { error: 'metrics unavailable' });
      else res.end();
    }
  };
  const http = createServer((req, res) => void serve(req, res));
  const port = await listen(http, options.port, options.host);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    http,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

/**
 * The instance id of this start of the platform (CGP_INSTANCE_ID, set by the launcher for every
 * process it starts), which /health carries: the launcher waits for its own processes' answers, so
 * another platform already on the same ports is never taken for this one.
 */
export function instanceOf(env?: Env): { instance?: string } {
  const instance = setting('CGP_INSTANCE_ID', env);
  return instance ? { instance } : {};
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
