import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { DataSource, QueryRunner } from 'typeorm';
import type { Identity } from './auth/identity';
import { insertRows } from './database';
import type { PersonalDataAccess } from './personal-data';
import { forbidden } from './errors';

/**
 * The one per-request context every resolver and service receives first.
 * It carries the verified caller, this request's DataLoaders (so batching never leaks data from one
 * caller to another) and this request's database transaction: everything a request runs goes
 * through one transaction that first sets the caller's scope for PostgreSQL row-level security.
 */
export class RequestContext {
  readonly requestId: string;
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();
  private runner?: Promise<QueryRunner>;
  /** Statements on the request's one connection run one after another (pg does not allow overlapping queries). */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly auditBuffer = new Map<string, Map<string, PersonalDataAccess>>();
  /** Name of the GraphQL operation, for the audit log (set once the operation is resolved). */
  operationName?: string;

  constructor(
    readonly db: DataSource,
    readonly identity: Identity,
    requestId?: string,
    /** The caller's Authorization header, forwarded when this subgraph asks another on the caller's behalf. */
    readonly authorization?: string,
    /** URLs of the other subgraphs, by name. */
    readonly peers: Readonly<Record<string, string>> = {},
  ) {
    this.requestId = requestId ?? randomUUID();
  }

  /** The caller's subtree path; lists are filtered to it in SQL. Throws FORBIDDEN for callers without one. */
  get scope(): string {
    if (!this.identity.unitPath) throw forbidden('Only staff of a unit can list units and their records');
    return this.identity.unitPath;
  }

  /** This request's loader called `name`, created on first use. */
  loader<K, V>(name: string, batch: DataLoader.BatchLoadFn<K, V>, options?: DataLoader.Options<K, V, string>): DataLoader<K, V> {
    let loader = this.loaders.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V, string>(batch, options) as unknown as DataLoader<K, V>;
      this.loaders.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }

  private transaction(): Promise<QueryRunner> {
    this.runner ??= (async () => {
      const runner = this.db.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await runner.query(
          `SELECT set_config('cgp.scope', $1, true), set_config('cgp.partner_org', $2, true), set_config('cgp.partner_communities', $3, true)`,
          [this.identity.unitPath ?? '', this.identity.org ?? '', this.identity.communities.join(',')],
        );
      } catch (error) {
        await runner.release();
        throw error;
      }
      return runner;
    })();
    return this.runner;
  }

  /** Runs one SQL statement with positional parameters, inside this request's scoped transaction. */
  async query<T = Record<string, unknown>>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    const run = this.queue.then(async () => {
      const runner = await this.transaction();
      // Structured results give the rows for every command (TypeORM's plain result for UPDATE is [rows, count]).
      return (await runner.query(sql, parameters, true)).records as T[];
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Records an unmasked read of personal data; written to `table` in this request's transaction. */
  audit(table: string, read: PersonalDataAccess): void {
    let reads = this.auditBuffer.get(table);
    if (!reads) this.auditBuffer.set(table, (reads = new Map()));
    reads.set(`${read.recordType}/${read.recordId}/${read.field}`, read);
  }

  private async flushAudit(): Promise<void> {
    for (const [table, reads] of this.auditBuffer) {
      await insertRows(
        { query: (sql, params) => this.query(sql, params) },
        table,
        {
          actor_sub: () => this.identity.sub,
          actor_tier: () => this.identity.kind,
          actor_unit: () => this.identity.unit ?? null,
          record_type: (r: PersonalDataAccess) => r.recordType,
          record_id: (r: PersonalDataAccess) => r.recordId,
          field: (r: PersonalDataAccess) => r.field,
          operation: () => this.operationName ?? null,
          request_id: () => this.requestId,
          path: (r: PersonalDataAccess) => r.path,
        },
        [...reads.values()],
      );
    }
    this.auditBuffer.clear();
  }

  /** Ends the request's transaction (writing its audit records first): commit when the request succeeded, roll back otherwise. */
  async finish(commit: boolean): Promise<void> {
    if (!this.runner) return;
    if (commit) await this.flushAudit();
    const pending = this.runner;
    this.runner = undefined;
    await this.queue;
    const runner = await pending;
    try {
      if (runner.isTransactionActive) {
        if (commit) await runner.commitTransaction();
        else await runner.rollbackTransaction();
      }
    } finally {
      await runner.release();
    }
  }
}

/** A loader of rows by a key column: `sql` receives all keys as `$1` (an array) and each row carries `keyOf(row)`. */
export function rowsByKey<T>(ctx: RequestContext, name: string, sql: string, keyOf: (row: T) => string): DataLoader<string, T | null> {
  return ctx.loader<string, T | null>(name, async (keys) => {
    const rows = await ctx.query<T>(sql, [keys]);
    const byKey = new Map(rows.map((r) => [keyOf(r), r]));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}
