import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Arg, Ctx, Directive, Field, ID, Int, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { CallerKind } from './auth/identity';
import { rules } from './auth/permissions';
import { setting } from './config';
import type { RequestContext } from './context';
import { badInput } from './errors';
import type { Feature, MigrationClass } from './feature';
import { asJobWorker, JOB_WORKER, JobWorker, sendJob, type JobRun, type QueueSpec } from './jobs';
import type { Logger } from './logger';
import { APP_ROLE, IN_SCOPE, IS_PARTNER_ORG, runAll } from './rls';

/*
 * Events told to the world outside (issue 15): a change writes its event to its subgraph's outbox in the
 * request's own transaction (`emitEvent`), so an event exists exactly when its change committed. The
 * subgraph's job worker (`outboxWorker`) relays each event: it asks who should hear it (the subgraph's
 * `resolveTargets`: for a partner audience, the pairing subgraph's published route), writes one delivery
 * per webhook endpoint and sends it as a Standard Webhooks message (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`, signed with the endpoint's secret), retried with exponential backoff
 * (WEBHOOK_RETRY_LIMIT, WEBHOOK_RETRY_DELAY_SECONDS) and then dead-lettered: kept with its last error
 * where the partner (`partnerWebhookDeliveries`) and the unit's staff can see it.
 *
 * An event is generic: a type (`wish.opened`, `case.closed`), a payload (never personal data: it goes
 * outside) and an audience (`{ partnersOf: <community code> }`, or `{ topic: <type> }` for subscribers
 * such as the hotline, who filter on the payload).
 */

export interface EventAudience {
  /** The partners with a running pairing with this community (and a webhook endpoint). */
  partnersOf?: string;
  /** Subscribers of a topic (endpoints registered for it). */
  topic?: string;
}

/** The outbox tables of a subgraph's schema, as a migration class (name it like any migration; never rename it). */
export function outboxMigrationClass(schema: string, className: string): MigrationClass {
  const migration = class implements MigrationInterface {
    name = className;
    async up(q: QueryRunner): Promise<void> {
      await runAll(q, [
        `CREATE TABLE "${schema}".outbox_event (
           id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
           type varchar(100) NOT NULL,
           payload jsonb NOT NULL,
           audience jsonb NOT NULL,
           path ltree NOT NULL,
           created_at timestamptz NOT NULL DEFAULT now(),
           relayed_at timestamptz
         )`,
        `CREATE INDEX outbox_event_unrelayed ON "${schema}".outbox_event (created_at) WHERE relayed_at IS NULL`,
        `CREATE TABLE "${schema}".webhook_delivery (
           id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
           event_id uuid NOT NULL REFERENCES "${schema}".outbox_event (id),
           event_type varchar(100) NOT NULL,
           endpoint_id uuid NOT NULL,
           partner_org varchar(64),
           url varchar(2000) NOT NULL,
           state varchar(10) NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD')),
           attempts int NOT NULL DEFAULT 0,
           last_status int,
           last_error varchar(500),
           last_attempt_at timestamptz,
           delivered_at timestamptz,
           dead_at timestamptz,
           created_at timestamptz NOT NULL DEFAULT now(),
           path ltree NOT NULL,
           UNIQUE (event_id, endpoint_id)
         )`,
        `CREATE INDEX webhook_delivery_partner ON "${schema}".webhook_delivery (partner_org, created_at DESC)`,
        `CREATE INDEX webhook_delivery_path ON "${schema}".webhook_delivery USING gist (path)`,
        `GRANT SELECT, INSERT, UPDATE ON "${schema}".outbox_event, "${schema}".webhook_delivery TO ${APP_ROLE}`,
        // Events: written by requests within their scope, read and marked by the job worker.
        `ALTER TABLE "${schema}".outbox_event ENABLE ROW LEVEL SECURITY`,
        `ALTER TABLE "${schema}".outbox_event FORCE ROW LEVEL SECURITY`,
        `CREATE POLICY emit ON "${schema}".outbox_event FOR INSERT TO ${APP_ROLE} WITH CHECK (${IN_SCOPE('path')})`,
        `CREATE POLICY job_worker ON "${schema}".outbox_event TO ${APP_ROLE} USING (${JOB_WORKER}) WITH CHECK (${JOB_WORKER})`,
        // Deliveries: the worker's; read by the partner they went to and by the staff of the unit in scope.
        `ALTER TABLE "${schema}".webhook_delivery ENABLE ROW LEVEL SECURITY`,
        `ALTER TABLE "${schema}".webhook_delivery FORCE ROW LEVEL SECURITY`,
        `CREATE POLICY job_worker ON "${schema}".webhook_delivery TO ${APP_ROLE} USING (${JOB_WORKER}) WITH CHECK (${JOB_WORKER})`,
        `CREATE POLICY readers ON "${schema}".webhook_delivery FOR SELECT TO ${APP_ROLE} USING (${IS_PARTNER_ORG('partner_org')} OR ${IN_SCOPE('path')})`,
      ]);
    }
    async down(q: QueryRunner): Promise<void> {
      await runAll(q, [`DROP TABLE "${schema}".webhook_delivery`, `DROP TABLE "${schema}".outbox_event`]);
    }
  };
  Object.defineProperty(migration, 'name', { value: className });
  return migration;
}

/** The job queues of a subgraph's outbox (declare them with jobQueueMigrationClass). */
export function outboxQueues(schema: string): QueueSpec[] {
  return [{ name: `${schema}.outbox` }, { name: `${schema}.webhook-deliveries` }];
}

export interface NewEvent {
  type: string;
  /** What the receivers get as `data` (no personal data). */
  payload: Record<string, unknown>;
  audience: EventAudience;
  /** The ltree path of the unit the event happened in. */
  path: string;
}

/** Writes an event to the subgraph's outbox in the request's transaction, with the job that relays it. */
export async function emitEvent(ctx: Pick<RequestContext, 'query'>, schema: string, event: NewEvent): Promise<string> {
  // The id is made here: the request may write events, not read them back (no RETURNING under row-level security).
  const id = randomUUID();
  await ctx.query(`INSERT INTO "${schema}".outbox_event (id, type, payload, audience, path) VALUES ($1::uuid, $2, $3::jsonb, $4::jsonb, $5::ltree)`, [
    id,
    event.type,
    JSON.stringify(event.payload),
    JSON.stringify(event.audience),
    event.path,
  ]);
  await sendJob(ctx, `${schema}.outbox`, { eventId: id }, { retryLimit: 20, retryDelay: 5, retryBackoff: true });
  return id;
}

/** A webhook endpoint an event goes to. */
export interface WebhookTarget {
  endpointId: string;
  /** The partner organisation that owns it (its deliveries are visible to it), or null. */
  partnerOrg: string | null;
  url: string;
}

export interface StoredEvent {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  audience: EventAudience;
  createdAt: Date;
}

export interface OutboxOptions {
  schema: string;
  /** Who hears an event: the endpoints of its audience, as the subgraph that owns them says. */
  resolveTargets(event: StoredEvent): Promise<WebhookTarget[]>;
  /** An endpoint's current URL and signing secret (null: it is gone or disabled: the delivery is dead). */
  endpointSecret(endpointId: string): Promise<{ url: string; secret: string } | null>;
}

/** The Standard Webhooks headers and body of one message. */
export function signedWebhook(secret: string, eventId: string, event: { type: string; payload: Record<string, unknown>; createdAt: Date }, now = new Date()) {
  const body = JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.payload });
  const signature = new Webhook(secret).sign(eventId, now, body);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': eventId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    },
  };
}

/** The subgraph's outbox relay and webhook deliveries, on its job worker. */
export function outboxWorker(db: DataSource, logger: Logger, options: OutboxOptions): JobWorker {
  const { schema } = options;
  const poll = setting('JOBS_POLL_SECONDS');
  const relay = async (job: JobRun<{ eventId: string }>) => {
    const event = await asJobWorker(db, async (t) => {
      const [row] = await t.query<StoredEvent & { relayedAt: Date | null }>(
        `SELECT id::text AS id, type, payload, audience, created_at AS "createdAt", relayed_at AS "relayedAt" FROM "${schema}".outbox_event WHERE id = $1::uuid`,
        [job.data.eventId],
      );
      return row;
    });
    if (!event || event.relayedAt) return;
    // Asked outside the transaction (another subgraph's route); a failure throws, and the job is tried again.
    const targets = await options.resolveTargets(event);
    await asJobWorker(db, async (t) => {
      for (const target of targets) {
        const [delivery] = await t.query<{ id: string }>(
          `INSERT INTO "${schema}".webhook_delivery (event_id, event_type, endpoint_id, partner_org, url, path)
           SELECT e.id, e.type, $2::uuid, $3, $4, e.path FROM "${schema}".outbox_event e WHERE e.id = $1::uuid
           ON CONFLICT (event_id, endpoint_id) DO NOTHING RETURNING id::text AS id`,
          [event.id, target.endpointId, target.partnerOrg, target.url],
        );
        if (delivery) {
          await sendJob(
            t,
            `${schema}.webhook-deliveries`,
            { deliveryId: delivery.id },
            { retryLimit: setting('WEBHOOK_RETRY_LIMIT'), retryDelay: setting('WEBHOOK_RETRY_DELAY_SECONDS'), retryBackoff: true },
          );
        }
      }
      await t.query(`UPDATE "${schema}".outbox_event SET relayed_at = now() WHERE id = $1::uuid`, [event.id]);
    });
  };

  const deliver = async (job: JobRun<{ deliveryId: string }>) => {
    const found = await asJobWorker(db, async (t) => {
      const [row] = await t.query<{
        id: string;
        endpointId: string;
        state: string;
        eventId: string;
        type: string;
        payload: Record<string, unknown>;
        createdAt: Date;
      }>(
        `SELECT d.id::text AS id, d.endpoint_id::text AS "endpointId", d.state, e.id::text AS "eventId", e.type, e.payload, e.created_at AS "createdAt"
           FROM "${schema}".webhook_delivery d JOIN "${schema}".outbox_event e ON e.id = d.event_id WHERE d.id = $1::uuid`,
        [job.data.deliveryId],
      );
      return row;
    });
    if (!found || found.state !== 'PENDING') return;
    const last = job.retryCount >= job.retryLimit;
    let status: number | null = null;
    let error: string | null = null;
    const endpoint = await options.endpointSecret(found.endpointId).catch((err: unknown) => {
      error = `the endpoint could not be looked up: ${(err as Error).message}`;
      return undefined;
    });
    if (endpoint === null) error = 'the endpoint was removed or disabled';
    else if (endpoint) {
      const message = signedWebhook(endpoint.secret, found.eventId, found);
      try {
        const res = await fetch(endpoint.url, {
          method: 'POST',
          headers: message.headers,
          body: message.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(setting('WEBHOOK_TIMEOUT_MS')),
        });
        status = res.status;
        await res.body?.cancel().catch(() => undefined);
        if (res.status < 200 || res.status >= 300) error = `the receiver answered HTTP ${res.status}`;
      } catch (err) {
        error = `the receiver could not be reached: ${(err as Error).name === 'TimeoutError' ? 'no answer in time' : (err as Error).message}`;
      }
    }
    const dead = error !== null && (last || endpoint === null);
    await asJobWorker(db, (t) =>
      t.query(
        `UPDATE "${schema}".webhook_delivery
            SET attempts = attempts + 1, last_status = $2::int, last_error = $3::text, last_attempt_at = now(),
                state = CASE WHEN $3::text IS NULL THEN 'DELIVERED' WHEN $4::boolean THEN 'DEAD' ELSE state END,
                delivered_at = CASE WHEN $3::text IS NULL THEN now() END, dead_at = CASE WHEN $4::boolean THEN now() END
          WHERE id = $1::uuid`,
        [found.id, status, error?.slice(0, 500) ?? null, dead],
      ),
    );
    if (dead) logger.warn({ deliveryId: found.id, error }, 'webhook delivery dead-lettered');
    // Thrown, the job is tried again after its backoff.
    else if (error) throw new Error(error);
  };

  return new JobWorker(db, logger, [
    { queue: `${schema}.outbox`, pollingIntervalSeconds: poll, handle: relay },
    { queue: `${schema}.webhook-deliveries`, pollingIntervalSeconds: poll, handle: deliver },
  ] as never).start();
}

export enum WebhookDeliveryState {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  DEAD = 'DEAD',
}
registerEnumType(WebhookDeliveryState, {
  name: 'WebhookDeliveryState',
  description: 'Where a webhook delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not delivered yet: waiting for its first try or a retry.' },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    DEAD: { description: 'Dead-lettered: every retry failed (or the endpoint is gone); see lastError. Not tried again.' },
  },
});

// Shareable: every subgraph with an outbox lists its own deliveries.
@Directive('@shareable')
@ObjectType({ description: 'One event sent (or being sent) to one webhook endpoint.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'Delivery id.' }) id: string;
  @Field(() => ID, { description: 'The event id: the `webhook-id` header the receiver got (the same on every retry).' }) eventId: string;
  @Field(() => String, { description: 'The event type, e.g. wish.opened.' }) eventType: string;
  @Field(() => ID, { description: 'The endpoint it went to.' }) endpointId: string;
  @Field(() => String, { description: 'The URL it went to.' }) url: string;
  @Field(() => WebhookDeliveryState, { description: 'Where it stands.' }) state: WebhookDeliveryState;
  @Field(() => Int, { description: 'Tries so far.' }) attempts: number;
  @Field(() => Int, { nullable: true, description: 'HTTP status of the last try, if the receiver answered.' }) lastStatus: number | null;
  @Field(() => String, { nullable: true, description: 'Why the last try failed.' }) lastError: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was last tried.' }) lastAttemptAt: Date | null;
  @Field(() => GraphQLISODateTime, { description: 'When the event happened.' }) createdAt: Date;
}

const DELIVERY_COLUMNS = `id::text AS id, event_id::text AS "eventId", event_type AS "eventType", endpoint_id::text AS "endpointId", url, state, attempts,
  last_status AS "lastStatus", last_error AS "lastError", last_attempt_at AS "lastAttemptAt", created_at AS "createdAt"`;

/** The webhook deliveries of a subgraph's outbox, for the partner they went to (its own) and staff (their subtree's). */
export function webhookDeliveries(schema: string, queryName: string): Feature {
  @Resolver()
  class WebhookDeliveryResolver {
    @Query(() => [WebhookDelivery], {
      name: queryName,
      description:
        'Webhook deliveries, newest first (at most `first`, default 50): a partner’s own; staff’s of events in their subtree. `state: DEAD` is the dead-letter list.',
    })
    async deliveries(
      @Ctx() ctx: RequestContext,
      @Arg('state', () => WebhookDeliveryState, { nullable: true, description: 'Only deliveries in this state.' }) state?: WebhookDeliveryState,
      @Arg('first', () => Int, { nullable: true, description: 'How many, 1–100 (default 50).' }) first?: number,
    ): Promise<WebhookDelivery[]> {
      const limit = first ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badInput('first must be from 1 to 100', 'first');
      const partner = ctx.identity.kind === CallerKind.PARTNER;
      const own = partner ? `partner_org = $1` : `path <@ $1::ltree`;
      return ctx.query<WebhookDelivery>(
        `SELECT ${DELIVERY_COLUMNS} FROM "${schema}".webhook_delivery WHERE ${own} AND ($2::text IS NULL OR state = $2) ORDER BY created_at DESC, id LIMIT ${limit}`,
        [partner ? ctx.identity.org : ctx.scope, state ?? null],
      );
    }
  }
  return {
    name: 'webhook deliveries',
    resolvers: [WebhookDeliveryResolver],
    // Partners read their own (row-level security by organisation), staff their subtree's.
    permissions: { Query: { [queryName]: rules.allow }, WebhookDelivery: { '*': rules.allow } },
    migrations: [],
  };
}

/** Loopback, private, link-local and unspecified addresses (by their literal form; names are refused unless public-looking). */
function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal') || (!h.includes('.') && !isIP(h))) return true;
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number);
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (isIP(h) === 6) return h === '::1' || h === '::' || h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80') || h.startsWith('::ffff:');
  return false;
}

/** Checks a webhook URL: https to a public host (WEBHOOK_ALLOW_PRIVATE_URLS=on also allows http and local hosts). */
export function checkWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput('url must be an absolute https URL', 'url');
  }
  const relaxed = setting('WEBHOOK_ALLOW_PRIVATE_URLS') === 'on';
  if (url.protocol !== 'https:' && !(relaxed && url.protocol === 'http:')) throw badInput('url must be an https URL', 'url');
  if (url.username || url.password) throw badInput('url must not carry a user name or password', 'url');
  if (!relaxed && isPrivateHost(url.hostname)) throw badInput('url must name a public host (not a loopback, private or internal address)', 'url');
  return url.toString();
}
