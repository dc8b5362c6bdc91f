import type { DataSource } from 'typeorm';
import type { PoolCounts } from './metrics';
import { sqlStateOf } from '../database';

export interface Readiness {
  ready: boolean;
  /** `ready`, `database unreachable`, or `migrations pending`. */
  status: string;
  /** Migrations the service expects that the database has not applied. */
  pending?: string[];
  /** The connection pool: connections open, idle, requests waiting for one, and its size. */
  pool?: { total: number; idle: number; waiting: number; max: number };
}

/** The figures of a pg pool as /ready reports them. */
export function poolFigures(pool: PoolCounts | undefined): Readiness['pool'] {
  if (!pool) return undefined;
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options?.max ?? 0 };
}

/** The names of the migrations a data source carries, as TypeORM records them. */
export function migrationNames(db: DataSource): string[] {
  return db.migrations.map((m) => m.name ?? m.constructor.name);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Whether a subgraph can serve: a query through its own pool answers within `timeoutMs` (so an
 * exhausted pool — every connection held, requests queueing — is not ready, and Kubernetes stops
 * sending traffic), and every migration the subgraph carries is recorded as applied in its schema's
 * migrations table. The pool's figures come with the answer.
 */
export async function subgraphReadiness(db: DataSource, schema: string, timeoutMs = 1000, pool?: () => PoolCounts | undefined): Promise<Readiness> {
  const figures = () => (pool ? { pool: poolFigures(pool()) } : {});
  let applied: Set<string>;
  try {
    const rows = await withTimeout(db.query<{ name: string }[]>(`SELECT name FROM "${schema}".migrations`), timeoutMs);
    applied = new Set(rows.map((r) => r.name));
  } catch (error) {
    // A missing migrations table (42P01) means nothing is applied yet; a pool with requests queueing
    // for a connection is exhausted; anything else, the database is not there.
    if (sqlStateOf(error) === '42P01') applied = new Set();
    else {
      const counts = pool?.();
      const exhausted = counts !== undefined && counts.waitingCount > 0 && counts.idleCount === 0;
      return { ready: false, status: exhausted ? 'database pool exhausted' : 'database unreachable', ...figures() };
    }
  }
  const pending = migrationNames(db).filter((name) => !applied.has(name));
  return pending.length ? { ready: false, status: 'migrations pending', pending, ...figures() } : { ready: true, status: 'ready', ...figures() };
}
