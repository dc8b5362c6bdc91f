import { setting, type Env } from './config';
import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { Identity } from './auth/identity';
import type { RequestContext } from './context';
import { APP_ROLE, runAll } from './rls';

/**
 * Retry-safe mutations. A caller sends `Idempotency-Key: <key>` with a mutation; the subgraph keeps
 * (key, caller, hash of the operation and its variables, the result) in `<schema>.idempotency`, written
 * in the mutation's own transaction. A retry with the same key by the same caller returns the stored
 * first result and changes nothing; a concurrent duplicate waits for the first and then does the same;
 * the same key with another operation is refused. A mutation that failed stores nothing (its
 * transaction rolled back), so it can be retried with the same key. Keys expire after a day.
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Printable ASCII without spaces; clients send at most 200 characters (the gateway and peers append a suffix). */
export const CLIENT_IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const SUBGRAPH_IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const IDEMPOTENCY_KEY_RULE = 'an Idempotency-Key is 1 to 200 printable ASCII characters without spaces (a UUID, say)';

export function isValidIdempotencyKey(key: string, forSubgraph = false): boolean {
  return (forSubgraph ? SUBGRAPH_IDEMPOTENCY_KEY : CLIENT_IDEMPOTENCY_KEY).test(key);
}

/** How long a key is remembered: IDEMPOTENCY_KEY_TTL_HOURS, default 24. */
export function idempotencyTtlHours(env?: Env): number {
  return setting('IDEMPOTENCY_KEY_TTL_HOURS', env);
}

/** Who a key belongs to: the caller's kind, unit (or partner organisation) and subject. */
export function principalOf(identity: Identity): string {
  return `${identity.kind}:${identity.unit ?? identity.org ?? ''}:${identity.sub}`;
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 of the operation text and its variables (keys in a stable order). */
export function operationHash(query: string, variables: Record<string, unknown> | undefined): string {
  return createHash('sha256')
    .update(query)
    .update('\0')
    .update(stable(variables ?? {}))
    .digest('hex');
}

/** The statements creating a subgraph's idempotency table (rows visible to their own caller only) and its expiry function. */
export function idempotencyTable(schema: string): string[] {
  const table = `"${schema}".idempotency`;
  const own = `(coalesce(current_setting('cgp.principal', true), '') <> '' AND principal = current_setting('cgp.principal', true))`;
  return [
    `CREATE TABLE ${table} (
       key varchar(255) NOT NULL,
       principal varchar(400) NOT NULL,
       operation_hash char(64) NOT NULL,
       response json,
       created_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (principal, key)
     )`,
    `CREATE INDEX idempotency_created_at ON ${table} (created_at)`,
    `GRANT SELECT, INSERT, UPDATE ON ${table} TO ${APP_ROLE}`,
    // FORCEd by idempotencyForcedMigration, with a policy that lets the owner's expiry function below delete every caller's expired keys.
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `CREATE POLICY own_keys ON ${table} TO ${APP_ROLE} USING (${own}) WITH CHECK (${own})`,
    `CREATE FUNCTION "${schema}".expire_idempotency_keys(max_age interval) RETURNS integer
       LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
       AS $fn$ WITH gone AS (DELETE FROM ${table} WHERE created_at < now() - max_age RETURNING 1) SELECT count(*)::integer FROM gone $fn$`,
    `REVOKE ALL ON FUNCTION "${schema}".expire_idempotency_keys(interval) FROM PUBLIC`,
    `GRANT EXECUTE ON FUNCTION "${schema}".expire_idempotency_keys(interval) TO ${APP_ROLE}`,
  ];
}

/** When the idempotency migration was written; it runs after every earlier migration of a subgraph. */
export const IDEMPOTENCY_MIGRATION_TIMESTAMP = 1740000000000;

/** The migration adding `<schema>.idempotency` to a subgraph (each subgraph lists it with its own migrations). */
export function idempotencyMigration(schema: string): new () => MigrationInterface {
  const name = `${schema[0].toUpperCase()}${schema.slice(1)}Idempotency${IDEMPOTENCY_MIGRATION_TIMESTAMP}`;
  const migration = class implements MigrationInterface {
    name = name;
    async up(q: QueryRunner): Promise<void> {
      await runAll(q, idempotencyTable(schema));
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP FUNCTION IF EXISTS "${schema}".expire_idempotency_keys(interval)`);
      await q.query(`DROP TABLE IF EXISTS "${schema}".idempotency`);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}

/** When the table was put under forced row-level security; it runs after the idempotency migration. */
export const IDEMPOTENCY_FORCED_MIGRATION_TIMESTAMP = 1740000001000;

/**
 * Forces row-level security on `<schema>.idempotency`, so even its owner reads only through a policy:
 * the stored responses may hold personal data. The owner's one policy is the expiry function's: the
 * function sets `cgp.expiring_idempotency` for its own duration, and only then may the owner read and
 * delete rows (every caller's expired keys). The application role cannot use it: the policies name the owner.
 */
export function idempotencyForcedStatements(schema: string): string[] {
  const table = `"${schema}".idempotency`;
  const expiring = `current_setting('cgp.expiring_idempotency', true) = 'on'`;
  return [
    // set_config, not the function's SET clause: only a superuser may attach a custom setting to a function.
    `CREATE OR REPLACE FUNCTION "${schema}".expire_idempotency_keys(max_age interval) RETURNS integer
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
       AS $fn$
       DECLARE gone integer;
       BEGIN
         PERFORM set_config('cgp.expiring_idempotency', 'on', true);
         DELETE FROM ${table} WHERE created_at < now() - max_age;
         GET DIAGNOSTICS gone = ROW_COUNT;
         PERFORM set_config('cgp.expiring_idempotency', '', true);
         RETURN gone;
       END $fn$`,
    `CREATE POLICY expiry_read ON ${table} FOR SELECT TO CURRENT_USER USING (${expiring})`,
    `CREATE POLICY expiry_delete ON ${table} FOR DELETE TO CURRENT_USER USING (${expiring})`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
  ];
}

/** The migration forcing row-level security on `<schema>.idempotency` (see idempotencyForcedStatements). */
export function idempotencyForcedMigration(schema: string): new () => MigrationInterface {
  const name = `${schema[0].toUpperCase()}${schema.slice(1)}IdempotencyForced${IDEMPOTENCY_FORCED_MIGRATION_TIMESTAMP}`;
  const migration = class implements MigrationInterface {
    name = name;
    async up(q: QueryRunner): Promise<void> {
      await runAll(q, idempotencyForcedStatements(schema));
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`ALTER TABLE "${schema}".idempotency NO FORCE ROW LEVEL SECURITY`);
      await q.query(`DROP POLICY IF EXISTS expiry_delete ON "${schema}".idempotency`);
      await q.query(`DROP POLICY IF EXISTS expiry_read ON "${schema}".idempotency`);
      // The plpgsql expiry function stays: without the forced policies it deletes the same rows.
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}

export type IdempotencyClaim =
  /** First time: run the mutation; its result is saved when it commits. */
  | { kind: 'new' }
  /** Done before by this caller with this operation: the stored result. */
  | { kind: 'replay'; data: unknown }
  /** The key was used for another operation. */
  | { kind: 'mismatch' };

/** The idempotency keys of one subgraph's schema. */
export class IdempotencyStore {
  private readonly table: string;
  constructor(
    readonly schema: string,
    readonly ttlHours = idempotencyTtlHours(),
  ) {
    this.table = `"${schema}".idempotency`;
  }

  /**
   * Claims a key inside the request's transaction. A concurrent request holding the same key makes
   * this wait (the primary key) until it commits (→ replay) or rolls back (→ new). An expired key is
   * taken over as new.
   */
  async claim(ctx: RequestContext, key: string, hash: string): Promise<IdempotencyClaim> {
    const principal = principalOf(ctx.identity);
    const claimed = await ctx.query(
      `INSERT INTO ${this.table} AS i (key, principal, operation_hash) VALUES ($1, $2, $3)
       ON CONFLICT (principal, key) DO UPDATE SET operation_hash = EXCLUDED.operation_hash, response = NULL, created_at = now()
       WHERE i.created_at < now() - make_interval(secs => $4::double precision)
       RETURNING 1 AS claimed`,
      [key, principal, hash, this.ttlHours * 3600],
    );
    if (claimed.length) return { kind: 'new' };
    const [stored] = await ctx.query<{ operation_hash: string; response: unknown }>(
      `SELECT operation_hash, response FROM ${this.table} WHERE principal = $1 AND key = $2`,
      [principal, key],
    );
    if (!stored || stored.operation_hash !== hash) return { kind: 'mismatch' };
    return { kind: 'replay', data: stored.response };
  }

  /** Stores the first result, in the same transaction as the mutation's own writes. */
  async save(ctx: RequestContext, key: string, data: unknown): Promise<void> {
    await ctx.query(`UPDATE ${this.table} SET response = $3::json WHERE principal = $1 AND key = $2`, [
      principalOf(ctx.identity),
      key,
      JSON.stringify(data ?? null),
    ]);
  }

  /** Deletes every caller's expired keys; returns how many. */
  async expire(db: { query(sql: string, parameters?: unknown[]): Promise<unknown> }): Promise<number> {
    const rows = (await db.query(`SELECT "${this.schema}".expire_idempotency_keys(make_interval(secs => $1::double precision)) AS n`, [
      this.ttlHours * 3600,
    ])) as { n: number }[];
    return Number(rows[0]?.n ?? 0);
  }
}
