import { setting } from './config';
import pino from 'pino';

export type Logger = pino.Logger;

/**
 * An error as the logs keep it: its kind, the first line of its message, codes and a stack, never the
 * properties drivers attach (TypeORM's `query` and `parameters`, pg's `detail` with the row's values),
 * which can hold personal data.
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) {
    // A GraphQL error as a subgraph answered it, or any other plain object: its message and code, never "[object Object]".
    if (error && typeof error === 'object') {
      const o = error as { message?: unknown; code?: unknown; extensions?: { code?: unknown }; path?: unknown };
      const code = typeof o.code === 'string' ? o.code : typeof o.extensions?.code === 'string' ? o.extensions.code : undefined;
      const message = typeof o.message === 'string' ? o.message : JSON.stringify(error);
      return {
        type: 'Object',
        message: (message ?? '').split('\n')[0].slice(0, 300),
        ...(code ? { code } : {}),
        ...(Array.isArray(o.path) ? { path: o.path.join('.') } : {}),
      };
    }
    return { message: String(error).split('\n')[0].slice(0, 300) };
  }
  const e = error as Error & { code?: unknown; constraint?: unknown; table?: unknown; schema?: unknown; driverError?: unknown; originalError?: unknown };
  const inner = (e.driverError ?? e.originalError) as (Error & { code?: unknown; constraint?: unknown; table?: unknown }) | undefined;
  const code = typeof e.code === 'string' ? e.code : typeof inner?.code === 'string' ? inner.code : undefined;
  const constraint = typeof e.constraint === 'string' ? e.constraint : typeof inner?.constraint === 'string' ? inner.constraint : undefined;
  const table = typeof e.table === 'string' ? e.table : typeof inner?.table === 'string' ? inner.table : undefined;
  return {
    type: e.constructor?.name ?? 'Error',
    // PostgreSQL quotes the offending input after a colon (`invalid input syntax for type uuid: "…"`).
    message: e.message
      .split('\n')[0]
      .replace(/:\s*"[^"]*"/g, ': "[redacted]"')
      .replace(/=\(.*?\)/g, '=([redacted])')
      .slice(0, 300),
    ...(code ? { code } : {}),
    ...(constraint ? { constraint } : {}),
    ...(table ? { table } : {}),
    // Frames only: the first line of a stack repeats the message.
    ...(e.stack ? { stack: e.stack.split('\n').slice(1, 12).join('\n') } : {}),
  };
}

let stdout: pino.DestinationStream | undefined;

/**
 * Standard output, shared by the loggers of a process. A write error (EPIPE once whoever read the output
 * is gone) is ignored: without a listener, pino's destination spins on exit and the process never ends.
 */
function stdoutDestination(): pino.DestinationStream {
  if (!stdout) {
    const destination = pino.destination({ dest: 1, sync: true });
    destination.on('error', () => undefined);
    stdout = destination;
  }
  return stdout;
}

/**
 * A JSON logger for one service. Lines written while handling a request carry its `requestId` (the
 * one the gateway passes to the subgraphs as x-request-id) and `traceId`. No personal data: request
 * variables are never logged, tokens are redacted, errors keep no driver details.
 */
export function createLogger(service: string, destination?: pino.DestinationStream, level?: pino.LevelWithSilent): Logger {
  const options: pino.LoggerOptions = {
    name: service,
    level: level ?? setting('LOG_LEVEL') ?? (setting('NODE_ENV') === 'test' ? 'silent' : 'info'),
    base: { service },
    // Credentials never reach a log: tokens, partner API keys, idempotency keys.
    redact: [
      'req.headers.authorization',
      '*.authorization',
      'authorization',
      '*.headers["idempotency-key"]',
      'req.headers["x-api-key"]',
      '*["x-api-key"]',
      '*.apiKey',
    ],
    serializers: { err: safeError, error: safeError },
  };
  return pino(options, destination ?? stdoutDestination());
}
