import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';

/**
 * The one per-request context every resolver and service receives first.
 * Immutable after creation: identity, the database handle and a cache of this request's DataLoaders,
 * so batching never leaks data from one caller to another.
 */
export class RequestContext {
  readonly requestId: string;
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  constructor(
    readonly db: DataSource,
    requestId?: string,
  ) {
    this.requestId = requestId ?? randomUUID();
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

  /** Runs one SQL statement with positional parameters. */
  async query<T = Record<string, unknown>>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return (await this.db.query(sql, parameters)) as T[];
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
