import type { DataSource } from 'typeorm';

export interface Readiness {
  ready: boolean;
  /** `ready`, `database unreachable`, or `migrations pending`. */
  status: string;
  /** Migrations the service expects that the database has not applied. */
  pending?: string[];
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
        reject(error);
      },
    );
  });
}

/**
 * Whether a subgraph can serve: its database answers (within `timeoutMs`) and every migration the
 * subgraph carries is recorded as applied in its schema's migrations table.
 */
export async function subgraphReadiness(db: DataSource, schema: string, timeoutMs = 3000): Promise<Readiness> {
  let applied: Set<string>;
  try {
    const rows = await withTimeout(db.query(`SELECT name FROM "${schema}".migrations`) as Promise<{ name: string }[]>, timeoutMs);
    applied = new Set(rows.map((r) => r.name));
  } catch (error) {
    // A missing migrations table (42P01) means nothing is applied yet; anything else, the database is not there.
    if ((error as { driverError?: { code?: string }; code?: string }).driverError?.code === '42P01') applied = new Set();
    else return { ready: false, status: 'database unreachable' };
  }
  const pending = migrationNames(db).filter((name) => !applied.has(name));
  return pending.length ? { ready: false, status: 'migrations pending', pending } : { ready: true, status: 'ready' };
}
