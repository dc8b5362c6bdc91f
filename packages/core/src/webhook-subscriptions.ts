import { randomBytes, randomUUID } from 'node:crypto';
import { Arg, Ctx, Field, GraphQLISODateTime, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { IsIn, IsOptional, MaxLength } from 'class-validator';
import { rule } from 'graphql-shield';
import { CallerKind, Role } from './auth/identity';
import { rules } from './auth/permissions';
import type { RequestContext } from './context';
import { badInput, forbidden } from './errors';
import type { Feature, MigrationClass } from './feature';
import { asJobWorker, JOB_WORKER } from './jobs';
import { checkWebhookUrl, webhookDeliveries, type OutboxOptions, type StoredEvent, type WebhookTarget } from './outbox';
import { APP_ROLE, IN_SCOPE, runAll } from './rls';

/*
 * Topic subscriptions (issue 15): systems outside the platform that are not partners (the city hotline)
 * subscribe to a subgraph's events by type, with a filter on the payload, through their operators: a
 * district's STAFF register the endpoint for their district; the subscription hears the events of that
 * subtree whose payload contains the filter (JSON containment, e.g. `{"source":{"kind":"HOTLINE"}}`).
 * They live in the schema of the subgraph whose events they are (no subgraph reads another's), and the
 * relay's `topicTargets` / `subscriptionSecret` read them as the job worker.
 */

/** The subscription table of a subgraph's schema, as a migration class (name it like any migration; never rename it). */
export function webhookSubscriptionsMigrationClass(schema: string, className: string): MigrationClass {
  const migration = class implements MigrationInterface {
    name = className;
    async up(q: QueryRunner): Promise<void> {
      await runAll(q, [
        `CREATE TABLE "${schema}".webhook_subscription (
           id uuid PRIMARY KEY,
           topic varchar(100) NOT NULL,
           filter jsonb NOT NULL DEFAULT '{}',
           url varchar(2000) NOT NULL,
           secret varchar(100) NOT NULL,
           description varchar(200),
           unit_code varchar(18) NOT NULL,
           path ltree NOT NULL,
           created_by varchar(200) NOT NULL,
           created_at timestamptz NOT NULL DEFAULT now(),
           cancelled_at timestamptz
         )`,
        `CREATE INDEX webhook_subscription_topic ON "${schema}".webhook_subscription (topic) WHERE cancelled_at IS NULL`,
        `GRANT SELECT, INSERT, UPDATE ON "${schema}".webhook_subscription TO ${APP_ROLE}`,
        `ALTER TABLE "${schema}".webhook_subscription ENABLE ROW LEVEL SECURITY`,
        `ALTER TABLE "${schema}".webhook_subscription FORCE ROW LEVEL SECURITY`,
        `CREATE POLICY scope ON "${schema}".webhook_subscription TO ${APP_ROLE} USING (${IN_SCOPE('path')}) WITH CHECK (${IN_SCOPE('path')})`,
        `CREATE POLICY job_worker_read ON "${schema}".webhook_subscription FOR SELECT TO ${APP_ROLE} USING (${JOB_WORKER})`,
      ]);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE "${schema}".webhook_subscription`);
    }
  };
  Object.defineProperty(migration, 'name', { value: className });
  return migration;
}

/** The relay's side: the live subscriptions of an event's topic whose unit holds it and whose filter its payload contains. */
export function topicTargets(db: DataSource, schema: string): Pick<OutboxOptions, 'resolveTargets' | 'endpointSecret'> {
  return {
    async resolveTargets(event: StoredEvent): Promise<WebhookTarget[]> {
      if (!event.audience.topic) return [];
      return asJobWorker(db, (t) =>
        t.query<WebhookTarget>(
          `SELECT s.id::text AS "endpointId", NULL AS "partnerOrg", s.url
             FROM "${schema}".webhook_subscription s JOIN "${schema}".outbox_event e ON e.id = $1::uuid
            WHERE s.cancelled_at IS NULL AND s.topic = $2 AND e.path <@ s.path AND e.payload @> s.filter
            ORDER BY s.created_at, s.id`,
          [event.id, event.audience.topic],
        ),
      );
    },
    async endpointSecret(endpointId: string) {
      const [row] = await asJobWorker(db, (t) =>
        t.query<{ url: string; secret: string }>(`SELECT url, secret FROM "${schema}".webhook_subscription WHERE id = $1::uuid AND cancelled_at IS NULL`, [
          endpointId,
        ]),
      );
      return row ?? null;
    },
  };
}

@ObjectType({ description: 'A subscription of an outside system (the city hotline, say) to events of a topic in a district, filtered by their payload.' })
export class WebhookSubscription {
  @Field(() => ID, { description: 'Subscription id.' }) id: string;
  @Field(() => String, { description: 'The event type, e.g. case.closed.' }) topic: string;
  @Field(() => String, { description: 'The filter: a JSON object the event’s data must contain (`{}`: every event of the topic).' }) filter: string;
  @Field(() => String, { description: 'Where events are POSTed (Standard Webhooks).' }) url: string;
  @Field(() => String, { nullable: true, description: 'The operators’ label.' }) description: string | null;
  @Field(() => String, { description: 'The district whose events it hears.' }) unitCode: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was registered.' }) createdAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was cancelled, or null while it hears events.' }) cancelledAt: Date | null;
  path: string;
}

@ObjectType({ description: 'A new subscription and its signing secret, shown this once.' })
export class CreatedWebhookSubscription {
  @Field(() => WebhookSubscription, { description: 'The subscription.' }) subscription: WebhookSubscription;
  @Field(() => String, { description: 'The signing secret (whsec_…, Standard Webhooks). Shown this once.' }) secret: string;
}

const COLUMNS = `id::text AS id, topic, filter::text AS filter, url, description, unit_code AS "unitCode", created_at AS "createdAt", cancelled_at AS "cancelledAt", path::text AS path`;

/**
 * A subgraph's topic subscriptions as a feature: `<prefix>WebhookSubscriptions`, `subscribe<Prefix>Webhook`,
 * `cancel<Prefix>WebhookSubscription` (district STAFF, for their district) and `<prefix>WebhookDeliveries`.
 */
export function webhookSubscriptions(schema: string, prefix: string, topics: readonly string[]): Feature {
  const Prefix = prefix[0].toUpperCase() + prefix.slice(1);

  @InputType(`Subscribe${Prefix}WebhookInput`, { description: `A subscription to ${topics.join(', ')} events of your district.` })
  class SubscribeInput {
    @Field(() => String, { description: `The event type, one of: ${topics.join(', ')}.` })
    @IsIn(topics, { message: `topic must be one of ${topics.join(', ')}` })
    topic: string;

    @Field(() => String, { description: 'An https URL (at most 2000 characters) that answers 2xx to a POST.' })
    @MaxLength(2000, { message: 'url must be at most 2000 characters' })
    url: string;

    @Field(() => String, {
      nullable: true,
      description: 'A JSON object the event’s data must contain, e.g. {"source":{"kind":"HOTLINE"}}; omitted: every event of the topic.',
    })
    @IsOptional()
    @MaxLength(2000, { message: 'filter must be at most 2000 characters' })
    filter?: string;

    @Field(() => String, { nullable: true, description: 'Your label, at most 200 characters.' })
    @IsOptional()
    @MaxLength(200, { message: 'description must be at most 200 characters' })
    description?: string;
  }

  @Resolver(() => WebhookSubscription)
  class SubscriptionResolver {
    @Query(() => [WebhookSubscription], {
      name: `${prefix}WebhookSubscriptions`,
      description: `Your district’s subscriptions to ${topics.join(', ')} events (district STAFF).`,
    })
    list(@Ctx() ctx: RequestContext): Promise<WebhookSubscription[]> {
      return ctx.query<WebhookSubscription>(`SELECT ${COLUMNS} FROM "${schema}".webhook_subscription WHERE path <@ $1::ltree ORDER BY created_at DESC, id`, [
        ctx.scope,
      ]);
    }

    @Mutation(() => CreatedWebhookSubscription, {
      name: `subscribe${Prefix}Webhook`,
      description: 'Subscribes an outside system’s endpoint to events of your district (district STAFF). The answer carries the signing secret this once.',
    })
    async subscribe(@Arg('input', () => SubscribeInput) input: SubscribeInput, @Ctx() ctx: RequestContext): Promise<CreatedWebhookSubscription> {
      const url = checkWebhookUrl(input.url);
      let filter: unknown = {};
      if (input.filter !== undefined && input.filter !== null) {
        try {
          filter = JSON.parse(input.filter);
        } catch {
          throw badInput('filter must be a JSON object', 'filter');
        }
        if (!filter || typeof filter !== 'object' || Array.isArray(filter)) throw badInput('filter must be a JSON object', 'filter');
      }
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const id = randomUUID();
      await ctx.query(
        `INSERT INTO "${schema}".webhook_subscription (id, topic, filter, url, secret, description, unit_code, path, created_by)
         VALUES ($1::uuid, $2, $3::jsonb, $4, $5, $6, $7, $8::ltree, $9)`,
        [id, input.topic, JSON.stringify(filter), url, secret, input.description ?? null, ctx.identity.unit, ctx.scope, ctx.identity.sub],
      );
      const [subscription] = await ctx.query<WebhookSubscription>(`SELECT ${COLUMNS} FROM "${schema}".webhook_subscription WHERE id = $1::uuid`, [id]);
      return { subscription, secret };
    }

    @Mutation(() => WebhookSubscription, {
      name: `cancel${Prefix}WebhookSubscription`,
      description: 'Cancels one of your district’s subscriptions (district STAFF).',
    })
    async cancel(@Arg('id', () => ID, { description: 'The subscription.' }) id: string, @Ctx() ctx: RequestContext): Promise<WebhookSubscription> {
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw badInput('id must be a subscription id', 'id');
      const [row] = await ctx.query<WebhookSubscription>(
        `UPDATE "${schema}".webhook_subscription SET cancelled_at = coalesce(cancelled_at, now()) WHERE id = $1::uuid AND path <@ $2::ltree RETURNING ${COLUMNS}`,
        [id, ctx.scope],
      );
      if (!row) throw forbidden('No subscription of your district has this id');
      return row;
    }
  }

  const deliveries = webhookDeliveries(schema, `${prefix}WebhookDeliveries`);
  return {
    name: 'webhook subscriptions',
    resolvers: [SubscriptionResolver, ...deliveries.resolvers],
    permissions: [
      {
        Query: { [`${prefix}WebhookSubscriptions`]: districtOnly, ...(deliveries.permissions as Record<string, Record<string, unknown>>).Query },
        Mutation: { [`subscribe${Prefix}Webhook`]: districtOnly, [`cancel${Prefix}WebhookSubscription`]: districtOnly },
        WebhookSubscription: { '*': districtOnly },
        CreatedWebhookSubscription: { '*': districtOnly },
        WebhookDelivery: { '*': rules.allow },
      },
    ] as never,
    migrations: [],
  };
}

/** District STAFF only: subscriptions are the operators' (the hotline is a district's). */
const districtOnly = rule('districtStaffSubscriptions', { cache: 'contextual' })((_parent, _args, ctx: RequestContext) =>
  ctx.identity.kind === CallerKind.DISTRICT && ctx.identity.roles.includes(Role.STAFF) ? true : forbidden('Only district STAFF manage webhook subscriptions'),
);
