import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { rules } from './auth/permissions';
import type { RequestContext } from './context';
import { badInput } from './errors';
import type { Feature, MigrationClass } from './feature';
import { principalOf } from './idempotency';
import { APP_ROLE, runAll } from './rls';
import { JOB_WORKER } from './jobs';
import type { Queryable } from './database';

/*
 * In-app notifications for staff: a row per message, addressed to one staff member (their `sub`) or to
 * whoever holds a role at a unit (a grid's supervisor: the worker that writes it need not know who that
 * is today), with one "read" mark per reader. A subgraph that serves them has the migration
 * (`notificationsMigrationClass`) and the feature (`inAppNotifications`: `notifications(unread)` and
 * `markNotificationsRead`); the platform serves them from the grid subgraph.
 *
 * Scope: a reader sees the notifications of their own unit (not of the units below: a district's staff do
 * not read a grid supervisor's messages) addressed to them or to one of their roles. Row-level security
 * holds the unit (`path` = the caller's own unit path) and the read marks (the caller's principal); the
 * statements add the addressee.
 */

const WORKER = JOB_WORKER;
const OWN_UNIT = `(coalesce(current_setting('cgp.scope', true), '') <> '' AND path = current_setting('cgp.scope', true)::ltree)`;
const OWN_PRINCIPAL = `(coalesce(current_setting('cgp.principal', true), '') <> '' AND reader = current_setting('cgp.principal', true))`;

/** The notification tables of a subgraph's schema, as a migration class (name it like any migration; never rename it). */
export function notificationsMigrationClass(schema: string, className: string): MigrationClass {
  const migration = class implements MigrationInterface {
    name = className;
    async up(q: QueryRunner): Promise<void> {
      await runAll(q, [
        `CREATE TABLE "${schema}".notification (
           id bigserial PRIMARY KEY,
           unit_code varchar(18) NOT NULL,
           path ltree NOT NULL,
           recipient_sub varchar(200),
           recipient_role varchar(32),
           kind varchar(50) NOT NULL,
           title varchar(200) NOT NULL,
           body varchar(2000) NOT NULL DEFAULT '',
           record_type varchar(50),
           record_id varchar(64),
           created_at timestamptz NOT NULL DEFAULT now(),
           CHECK ((recipient_sub IS NULL) <> (recipient_role IS NULL))
         )`,
        `CREATE INDEX notification_unit ON "${schema}".notification (unit_code, created_at DESC, id DESC)`,
        `CREATE TABLE "${schema}".notification_read (
           notification_id bigint NOT NULL REFERENCES "${schema}".notification (id) ON DELETE CASCADE,
           reader varchar(300) NOT NULL,
           read_at timestamptz NOT NULL DEFAULT now(),
           PRIMARY KEY (notification_id, reader)
         )`,
        `GRANT SELECT, INSERT ON "${schema}".notification TO ${APP_ROLE}`,
        `GRANT SELECT, INSERT ON "${schema}".notification_read TO ${APP_ROLE}`,
        `GRANT USAGE, SELECT ON SEQUENCE "${schema}".notification_id_seq TO ${APP_ROLE}`,
        `ALTER TABLE "${schema}".notification ENABLE ROW LEVEL SECURITY`,
        `ALTER TABLE "${schema}".notification FORCE ROW LEVEL SECURITY`,
        `CREATE POLICY own_unit ON "${schema}".notification FOR SELECT TO ${APP_ROLE} USING (${OWN_UNIT})`,
        `CREATE POLICY worker_write ON "${schema}".notification FOR INSERT TO ${APP_ROLE} WITH CHECK (${WORKER} OR ${OWN_UNIT.replace('path =', 'path <@')})`,
        `ALTER TABLE "${schema}".notification_read ENABLE ROW LEVEL SECURITY`,
        `ALTER TABLE "${schema}".notification_read FORCE ROW LEVEL SECURITY`,
        `CREATE POLICY own_marks ON "${schema}".notification_read TO ${APP_ROLE} USING (${OWN_PRINCIPAL}) WITH CHECK (${OWN_PRINCIPAL})`,
      ]);
    }
    async down(q: QueryRunner): Promise<void> {
      await runAll(q, [`DROP TABLE "${schema}".notification_read`, `DROP TABLE "${schema}".notification`]);
    }
  };
  Object.defineProperty(migration, 'name', { value: className });
  return migration;
}

/** A notification to write: to one person (`sub`) or to a role at the unit. */
export interface NewNotification {
  unitCode: string;
  /** The unit's ltree path. */
  path: string;
  recipient: { sub: string } | { role: string };
  kind: string;
  title: string;
  body?: string;
  record?: { type: string; id: string };
}

/** Writes one notification (in a request's transaction, or a job worker's: `asJobWorker`). */
export async function writeNotification(db: Pick<RequestContext, 'query'> | Queryable, schema: string, n: NewNotification): Promise<void> {
  const sql = `INSERT INTO "${schema}".notification (unit_code, path, recipient_sub, recipient_role, kind, title, body, record_type, record_id)
               VALUES ($1, $2::ltree, $3, $4, $5, $6, $7, $8, $9)`;
  const params = [
    n.unitCode,
    n.path,
    'sub' in n.recipient ? n.recipient.sub : null,
    'role' in n.recipient ? n.recipient.role : null,
    n.kind,
    n.title.slice(0, 200),
    (n.body ?? '').slice(0, 2000),
    n.record?.type ?? null,
    n.record?.id ?? null,
  ];
  await db.query(sql, params);
}

@ObjectType({ description: 'A message for a staff member in the platform (a case past its deadline, a case moved to your queue…).' })
export class Notification {
  @Field(() => ID, { description: 'Notification id.' }) id: string;
  @Field(() => String, { description: 'What happened, as a stable code: CASE_DEADLINE_REMINDER, CASE_OVERDUE, CASE_ESCALATED.' }) kind: string;
  @Field(() => String, { description: 'One line for a list.' }) title: string;
  @Field(() => String, { description: 'More detail.' }) body: string;
  @Field(() => String, { description: 'The unit it was sent in (your own).' }) unitCode: string;
  @Field(() => String, { nullable: true, description: 'The role it was addressed to (null: addressed to you by name).' }) recipientRole: string | null;
  @Field(() => String, { nullable: true, description: 'Type of the record it is about, e.g. GridCase.' }) recordType: string | null;
  @Field(() => ID, { nullable: true, description: 'Id of that record.' }) recordId: string | null;
  @Field(() => GraphQLISODateTime, { description: 'When it was sent.' }) createdAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When you marked it read, or null.' }) readAt: Date | null;
}

const COLUMNS = `n.id::text AS id, n.kind, n.title, n.body, n.unit_code AS "unitCode", n.recipient_role AS "recipientRole", n.record_type AS "recordType",
  n.record_id AS "recordId", n.created_at AS "createdAt", r.read_at AS "readAt"`;

/** The caller's own notifications: addressed to their `sub`, or to one of their roles, at their own unit. */
function addressedToCaller(schema: string, ctx: RequestContext): { from: string; params: unknown[] } {
  const identity = ctx.identity;
  return {
    from: `"${schema}".notification n LEFT JOIN "${schema}".notification_read r ON r.notification_id = n.id AND r.reader = $1
           WHERE n.unit_code = $2 AND n.path = $3::ltree AND (n.recipient_sub = $4 OR n.recipient_role = ANY ($5::text[]))`,
    params: [principalOf(identity), identity.unit, ctx.scope, identity.sub, identity.roles],
  };
}

/** The in-app notifications feature of a subgraph whose schema has the notification tables. */
export function inAppNotifications(schema: string): Feature {
  @Resolver()
  class NotificationResolver {
    @Query(() => [Notification], {
      description: 'Your in-app notifications, newest first (at most `first`, default 50): addressed to you or to one of your roles at your own unit.',
    })
    async notifications(
      @Ctx() ctx: RequestContext,
      @Arg('unread', () => Boolean, { nullable: true, description: 'true: only those you have not marked read; false: only those you have.' }) unread?: boolean,
      @Arg('first', () => Int, { nullable: true, description: 'How many, 1–100 (default 50).' }) first?: number,
    ): Promise<Notification[]> {
      const limit = first ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badInput('first must be from 1 to 100', 'first');
      const { from, params } = addressedToCaller(schema, ctx);
      const filter = unread === true ? ' AND r.read_at IS NULL' : unread === false ? ' AND r.read_at IS NOT NULL' : '';
      return ctx.query<Notification>(`SELECT ${COLUMNS} FROM ${from}${filter} ORDER BY n.created_at DESC, n.id DESC LIMIT ${limit}`, params);
    }

    @Mutation(() => Int, {
      description: 'Marks your notifications read: those named by `ids`, or (without ids) all of them. Answers how many were newly marked.',
    })
    async markNotificationsRead(
      @Ctx() ctx: RequestContext,
      @Arg('ids', () => [ID], { nullable: true, description: 'Notification ids (yours); omit for all.' }) ids?: string[],
    ): Promise<number> {
      if (ids && (ids.length > 500 || ids.some((id) => !/^\d{1,18}$/.test(id))))
        throw badInput('ids must be at most 500 notification ids from your list', 'ids');
      const { from, params } = addressedToCaller(schema, ctx);
      params.push(ids ?? null);
      const marked = await ctx.query<{ id: string }>(
        `INSERT INTO "${schema}".notification_read (notification_id, reader)
         SELECT n.id, $1 FROM ${from} AND r.read_at IS NULL AND ($6::bigint[] IS NULL OR n.id = ANY ($6::bigint[]))
         ON CONFLICT DO NOTHING RETURNING notification_id::text AS id`,
        params,
      );
      return marked.length;
    }
  }
  return {
    name: 'in-app notifications',
    resolvers: [NotificationResolver],
    // Any unit's staff read their own; partners have none.
    permissions: { Query: { notifications: rules.unitStaff }, Mutation: { markNotificationsRead: rules.unitStaff }, Notification: { '*': rules.allow } },
    migrations: [],
  };
}
