import autocannon from 'autocannon';
import type { BenchRequest, Operation } from './operations';

export interface LoadResult {
  requests: number;
  seconds: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** HTTP errors, GraphQL errors, timeouts. */
  errors: number;
  /** The first error seen, shortened. */
  firstError?: string;
  /** Mean response size in bytes. */
  bytes: number;
}

/** Percentile (nearest rank) of sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarise(latencies: number[], seconds: number, errors: number, firstError?: string, bytes = 0): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    seconds,
    throughput: sorted.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    errors,
    firstError,
    bytes,
  };
}

/** A weighted list of operations autocannon cycles through, each connection in turn. */
export type Mix = { op: Operation; weight: number }[];

/**
 * Drives `mix` (or one operation) at `url` with autocannon: `connections` concurrent keep-alive
 * connections for `duration` seconds; every response is checked (HTTP 200 without GraphQL errors).
 */
export async function drive(url: string, mix: Mix | Operation, options: { connections: number; duration: number }): Promise<LoadResult> {
  const entries: Operation[] = Array.isArray(mix) ? mix.flatMap(({ op, weight }) => Array.from({ length: weight }, () => op)) : [mix];
  const counters = new Map<Operation, number>();
  const { pathname, origin } = new URL(url);
  let errors = 0;
  let firstError: string | undefined;
  let bytes = 0;
  const latencies: number[] = [];
  let finished!: (r: autocannon.Result) => void;
  let failed!: (e: unknown) => void;
  const done = new Promise<autocannon.Result>((res, rej) => {
    finished = res;
    failed = rej;
  });
  const instance = autocannon(
    {
      url: origin,
      connections: options.connections,
      duration: options.duration,
      timeout: 30,
      requests: entries.map((op) => ({
        method: 'POST' as const,
        path: pathname,
        setupRequest: (req: autocannon.Request) => {
          const i = counters.get(op) ?? 0;
          counters.set(op, i + 1);
          const r: BenchRequest = op.next(i);
          return { ...req, method: 'POST', path: pathname, body: r.body, headers: { 'content-type': 'application/json', authorization: r.authorization } };
        },
        onResponse: (status: number, body: string) => {
          bytes += body.length;
          if (status !== 200 || body.startsWith('{"errors"') || body.includes('"errors":[')) {
            errors++;
            firstError ??= `${op.id}: HTTP ${status} ${body.slice(0, 300)}`;
          }
        },
      })),
    },
    (error, result) => (error ? failed(error) : finished(result)),
  );
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  const result = await done;
  errors += result.timeouts + result.errors;
  return summarise(latencies, result.duration, errors, firstError, latencies.length ? Math.round(bytes / latencies.length) : 0);
}

/** Sends one request and returns the parsed answer (warm-up, SQL counts, pools). */
export async function send<T = Record<string, unknown>>(
  url: string,
  request: BenchRequest,
): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: request.authorization }, body: request.body });
  return (await res.json()) as never;
}

/** A closed loop of `connections` workers calling `fn` for `duration` seconds (the SQL floor's load). */
export async function loop(fn: () => Promise<unknown>, options: { connections: number; duration: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = process.hrtime.bigint();
  const end = Date.now() + options.duration * 1000;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (Date.now() < end) {
        const t = process.hrtime.bigint();
        try {
          await fn();
        } catch (error) {
          errors++;
          firstError ??= String(error).slice(0, 300);
        }
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  return summarise(latencies, Number(process.hrtime.bigint() - start) / 1e9, errors, firstError);
}
