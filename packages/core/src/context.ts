import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import DataLoader from 'dataloader';
import { escapeLiteral } from 'pg';
import { SpanKind, SpanStatusCode, type Context, type Tracer } from '@opentelemetry/api';
import type { DataSource, QueryRunner } from 'typeorm';
import type { Identity } from './auth/identity';
import { insertRows, sessionStatementTimeoutMs, sqlStateOf } from './database';
import type { PersonalDataAccess } from './personal-data';
import { GraphQLError } from 'graphql';
import { forbidden } from './errors';
import { principalOf } from './idempotency';
import { FiguresCache } from './figures-cache';
import type { RequestScope } from './observability/request-scope';
import type { InProcessSubgraph } from './in-process';

/** Where a request's SQL spans go: the service's tracer, under the request's span. */
export interface SqlTracing {
  tracer: Tracer;
  context: Context;
  /** The database schema (the subgraph), recorded on each span. */
  namespace?: string;
}

/** The span name of a statement: its verb and the first table it names (no values: statements are parameterised). */
export function sqlSpanName(sql: string): string {
  const text = sql.trim();
  const verb = (/^[A-Za-z]+/.exec(text)?.[0] ?? 'SQL').toUpperCase();
  const table = /\b(?:FROM|INTO|UPDATE|JOIN)\s+("?[a-z_][a-z0-9_]*"?\.)?"?([a-z_][a-z0-9_]*)"?/i.exec(text);
  return table ? `${verb} ${(table[1] ?? '').replace(/"/g, '')}${table[2]}` : verb;
}

/** A request's transaction and the statements queued on it. */
interface Transaction {
  runner?: Promise<QueryRunner>;
  /** The transaction was begun on the runner's connection (and not yet ended). */
  begun?: boolean;
  /** open: statements run; closing: the transaction is being ended; closed: ended. */
  state: 'open' | 'closing' | 'closed';
  ending?: Promise<void>;
  /** Statements on the request's one connection run one after another (pg does not allow overlapping queries). */
  queue: Promise<unknown>;
}

/**
 * The one per-request context every resolver and service receives first.
 * It carries the verified caller, this request's DataLoaders (so batching never leaks data from one
 * caller to another) and this request's database transaction: everything a request runs goes
 * through one transaction that first sets the caller's scope for PostgreSQL row-level security.
 */
export class RequestContext {
  readonly requestId: string;
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();
  /**
   * The request's transaction, in an object of its own: Apollo Server hands resolvers and plugins a
   * shallow copy of the context it was given (`cloneObject`), and the copy and the original must be one
   * request — the HTTP layer's `finally` ends, through the original, the transaction the copy opened.
   */
  private readonly tx: Transaction = { state: 'open', queue: Promise.resolve() };
  private readonly auditBuffer = new Map<string, Map<string, PersonalDataAccess>>();
  /** Name of the GraphQL operation, for the audit log (set once the operation is resolved). */
  operationName?: string;
  /** Tracing of this request's SQL statements (each one a span); none when absent. */
  trace?: SqlTracing;
  /** The Idempotency-Key of this request's mutation, if the caller sent one (passed on, derived, to peers). */
  idempotencyKey?: string;
  /** Mutations this request asked of other subgraphs so far (each gets its own derived key). */
  peerMutations = 0;
  /** The other subgraphs of this process by name (TOPOLOGY=single): a call on the caller's behalf goes to their handler, not over HTTP. */
  inProcessPeers?: Readonly<Record<string, InProcessSubgraph>>;
  /** The subgraph's cache of dashboard figures (none: every figure is computed). */
  figuresCache?: FiguresCache;
  /** The HTTP request's ids and trace context (logs and spans of this request carry them). */
  requestScope?: RequestScope;
  /**
   * When this request must have finished (epoch ms): the gateway gives each subgraph fetch the time it
   * will wait (DEADLINE_HEADER). No statement starts after it, a running one is cancelled by PostgreSQL
   * at it, and a transaction still open at it is rolled back, not committed — so a gateway that gave up
   * waiting can truly answer "not done".
   */
  deadline?: number;
  /** Told when one of this request's statements was cancelled by the statement timeout (metrics). */
  onStatementTimeout?: () => void;
  /**
   * Whether this request's answer holds personal data — a personal field, masked or not (personalField),
   * an audited unmasked read, the audit log itself: the gateway's response cache never keeps it.
   */
  holdsPersonalData = false;
  /** Whether this request is a mutation: its commit evicts the cached figures it may have changed. */
  mutation = false;

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
      loader = new DataLoader<K, V, string>(batch, options);
      this.loaders.set(name, loader);
    }
    return loader;
  }

  /**
   * A loader of dashboard figures by unit code, like `loader`, whose values also go through the
   * subgraph's short-lived figures cache (keyed by what the caller may see; see FiguresCache).
   * `name` must name the figure and every argument it depends on besides the unit (period, metric…).
   */
  figures<V>(name: string, batch: DataLoader.BatchLoadFn<string, V>): DataLoader<string, V> {
    const cache = this.figuresCache;
    if (!cache?.enabled) return this.loader<string, V>(name, batch);
    return this.loader<string, V>(name, (codes) => cache.load<V>(FiguresCache.scopeKey(this.identity), name, codes, async (missing) => batch(missing)));
  }

  private transaction(): Promise<QueryRunner> {
    // Once the request has ended, nothing may open a new transaction on its behalf (a resolver still
    // running after GraphQL answered — a sibling of a refused non-null root field, say — would
    // otherwise hold a connection "idle in transaction" for good).
    if (!this.tx.runner && this.tx.state === 'closed') return Promise.reject(requestEnded());
    this.tx.runner ??= this.traced('BEGIN', 'BEGIN; SELECT set_config(...)', async () => {
      const runner = this.db.createQueryRunner();
      await runner.connect();
      try {
        // One round trip opens the transaction and sets the caller's scope (each round trip to PostgreSQL
        // is a write and a wait: a request's transaction used to take two before its first statement).
        // Several statements in one text go by the simple protocol, which takes no parameters: the values
        // are quoted as literals (pg's escapeLiteral).
        const settings: [string, string][] = [
          ['cgp.scope', this.identity.unitPath ?? ''],
          ['cgp.partner_org', this.identity.org ?? ''],
          ['cgp.partner_communities', this.identity.communities.join(',')],
          ['cgp.principal', principalOf(this.identity)],
          ['cgp.intake_kind', this.identity.intake ? this.identity.kind : ''],
          ['cgp.intake_path', this.identity.intake?.path ?? ''],
          ['cgp.household', this.identity.household ?? ''],
        ];
        // With a deadline, no statement of this transaction may run past it (the session's own limit still applies when shorter).
        if (this.deadline !== undefined) settings.push(['statement_timeout', String(statementBudget(this.deadline, sessionStatementTimeoutMs(this.db)))]);
        await runner.query(`BEGIN; SELECT ${settings.map(([name, value]) => `set_config('${name}', ${escapeLiteral(value)}, true)`).join(', ')}`);
        this.tx.begun = true;
      } catch (error) {
        await releaseRunner(runner, error);
        throw error;
      }
      return runner;
    });
    return this.tx.runner;
  }

  /** Runs `fn` in a client span for the statement (when the request is traced); no parameter values are recorded. */
  private async traced<T>(name: string, statement: string, fn: () => Promise<T>): Promise<T> {
    if (!this.trace) return fn();
    const span = this.trace.tracer.startSpan(
      name,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.operation.name': name.split(' ')[0],
          'db.query.text': statement.length > 2000 ? `${statement.slice(0, 2000)}…` : statement,
          ...(this.trace.namespace ? { 'db.namespace': this.trace.namespace } : {}),
        },
      },
      this.trace.context,
    );
    try {
      return await fn();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: sqlStateOf(error) ?? 'error' });
      throw error;
    } finally {
      span.end();
    }
  }

  /** Runs one SQL statement with positional parameters, inside this request's scoped transaction. */
  async query<T = Record<string, unknown>>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    if (this.tx.state !== 'open') throw requestEnded();
    return this.enqueue<T>(sql, parameters);
  }

  private enqueue<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    const run = this.tx.queue.then(async () => {
      if (this.deadline !== undefined && Date.now() >= this.deadline) throw deadlinePassed();
      const runner = await this.transaction();
      // Structured results give the rows for every command (TypeORM's plain result for UPDATE is [rows, count]).
      try {
        return await this.traced(sqlSpanName(sql), sql, async () => (await runner.query(sql, parameters, true)).records as T[]);
      } catch (error) {
        if (sqlStateOf(error) === '57014') {
          this.onStatementTimeout?.();
          // Cancelled because the request's deadline came (its transaction's statement_timeout).
          if (this.deadline !== undefined && Date.now() >= this.deadline - 50) throw deadlinePassed();
        }
        throw error;
      }
    });
    this.tx.queue = run.catch(() => undefined);
    return run;
  }

  /** Records an unmasked read of personal data; written to `table` in this request's transaction. */
  audit(table: string, read: PersonalDataAccess): void {
    this.holdsPersonalData = true;
    let reads = this.auditBuffer.get(table);
    if (!reads) this.auditBuffer.set(table, (reads = new Map<string, PersonalDataAccess>()));
    reads.set(`${read.recordType}/${read.recordId}/${read.field}`, read);
  }

  private async flushAudit(): Promise<void> {
    for (const [table, reads] of this.auditBuffer) {
      await insertRows(
        { query: (sql, params) => this.enqueue(sql, params ?? []) },
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

  /**
   * Ends the request's transaction, once: commit when the request succeeded (writing its audit records
   * first), roll back otherwise. From the first call on no statement can start and no new transaction
   * can open; statements already queued finish first. Later calls wait for the first and do nothing
   * else, so the HTTP layer's `finally` can always call `finish(false)` after the plugin committed.
   */
  finish(commit: boolean): Promise<void> {
    if (this.tx.ending) return this.tx.ending;
    this.tx.state = 'closing';
    this.tx.ending = this.end(commit).finally(() => {
      this.tx.state = 'closed';
    });
    return this.tx.ending;
  }

  private async end(commit: boolean): Promise<void> {
    // Statements queued before the end run first (the first of them may be the one that opens the transaction).
    await this.tx.queue;
    if (!this.tx.runner) return;
    // Without its audit records a request's reads are not committed either (its data is not sent).
    let auditFailure: Error | undefined;
    if (commit) {
      try {
        await this.flushAudit();
      } catch (error) {
        auditFailure = error instanceof Error ? error : new Error(inspect(error));
        commit = false;
      }
    }
    await this.tx.queue;
    const pending = this.tx.runner;
    this.tx.runner = undefined;
    const runner = await pending.catch(() => undefined);
    if (!runner) return;
    let failure: Error | undefined;
    // Past its deadline the caller has been told the request was not done: it must not be committed.
    let late: GraphQLError | undefined;
    if (commit && this.deadline !== undefined && Date.now() >= this.deadline) {
      commit = false;
      late = deadlinePassed();
    }
    try {
      if (this.tx.begun) {
        this.tx.begun = false;
        const end = commit ? 'COMMIT' : 'ROLLBACK';
        await this.traced(end, end, () => runner.query(end));
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(inspect(error));
      throw error;
    } finally {
      // A mutation's writes (or, should its commit fail, its possible writes) evict the figures they may change.
      if (this.mutation) this.figuresCache?.invalidateFor(this.identity);
      // A connection that failed is released with its error, so the pool drops it instead of reusing it.
      await releaseRunner(runner, failure);
    }
    if (auditFailure) throw auditFailure instanceof Error ? auditFailure : new Error('The audit records could not be written');
    if (late) throw late;
  }
}

/** Milliseconds a statement may run before `deadline`: what is left, or the session's own limit (`own`, 0: none) when that is shorter. */
function statementBudget(deadline: number, own: number): number {
  const left = Math.max(1, deadline - Date.now());
  return own > 0 ? Math.min(own, left) : left;
}

/** The header that carries how long the gateway will wait for this request (ms, from when it is received). */
export const DEADLINE_HEADER = 'x-cgp-timeout-ms';

/** A request's deadline from its header: now + the milliseconds it gives (1 ms to 10 minutes), or none. */
export function deadlineFrom(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const ms = Number(Array.isArray(header) ? header[0] : header);
  return Number.isInteger(ms) && ms > 0 && ms <= 600_000 ? now + ms : undefined;
}

/** The error of work stopped at its request's deadline: nothing of it was saved. */
export function deadlinePassed(): GraphQLError {
  return new GraphQLError(
    'This request did not finish in the time the gateway waits for it, so it was stopped and nothing of it was saved. Try again; ask for less at once if it happens again.',
    {
      extensions: { code: DEADLINE_EXCEEDED },
    },
  );
}
export const DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED';

/** The error of a statement asked for after its request ended (its answer was already sent). */
function requestEnded(): Error {
  return Object.assign(new Error('This request has already ended: no further statement runs on its behalf'), { code: 'CGP_REQUEST_ENDED' });
}

/** Returns a query runner's connection to the pool; after an error the pool closes it instead of reusing it. */
async function releaseRunner(runner: QueryRunner, error?: unknown): Promise<void> {
  const pg = runner as unknown as { releasePostgresConnection?(err?: Error): Promise<void> };
  if (error && pg.releasePostgresConnection) await pg.releasePostgresConnection(error instanceof Error ? error : new Error(inspect(error)));
  else await runner.release();
}

/** A loader of rows by a key column: `sql` receives all keys as `$1` (an array) and each row carries `keyOf(row)`. */
export function rowsByKey<T>(ctx: RequestContext, name: string, sql: string, keyOf: (row: T) => string): DataLoader<string, T | null> {
  return ctx.loader<string, T | null>(name, async (keys) => {
    const rows = await ctx.query<T>(sql, [keys]);
    const byKey = new Map(rows.map((r) => [keyOf(r), r]));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}

/** Groups rows under the keys asked for, in their order (a batch loader's answer for child lists). */
export function groupRows<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return keys.map((k) => map.get(k) ?? []);
}
