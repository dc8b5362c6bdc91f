import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { defineFigures, monthSeriesSql, RankedUnit, Tier } from '@cgp/core';
import { StreetService } from '../units/street.service';
import { unitTypes } from '../units/unit.union';

@ObjectType({
  description:
    'Administrative tasks carried by the communities in a unit’s whole subtree: their burden now, and what happened in the period asked for. Tasks count once however many of the subtree’s communities they are for; assignments count per community.',
})
export class TaskStatistics {
  @Field(() => Int, { description: 'Assignments the street office admitted (open or done), all time.' }) admitted: number;
  @Field(() => Int, { description: 'Admitted assignments not done yet (now).' }) open: number;
  @Field(() => Int, { description: 'Admitted assignments done, all time.' }) done: number;
  @Field(() => Int, { description: 'Assignments the communities refused, all time.' }) refused: number;
  @Field(() => Int, { description: 'Assignments of tasks still awaiting the street office’s decision (now).' }) pending: number;
  @Field(() => Float, { description: 'Money (yuan) that came with the admitted assignments (open and done), all time.' }) fundingReceived: number;
  @Field(() => Int, { description: 'Tasks submitted in the period.' }) submittedInPeriod: number;
  @Field(() => Int, { description: 'Tasks the street office admitted in the period (for at least one community of the subtree that did not refuse).' })
  admittedInPeriod: number;
  @Field(() => Int, { description: 'Tasks the street office rejected in the period.' }) rejectedInPeriod: number;
  @Field(() => Float, { description: 'Money (yuan) that came with the assignments of the tasks admitted in the period.' }) fundingAdmittedInPeriod: number;
  @Field(() => Int, { description: 'Assignments the communities marked done in the period.' }) doneInPeriod: number;
  @Field(() => Int, { description: 'Assignments the communities refused in the period.' }) refusedInPeriod: number;
}

@ObjectType({ description: 'Administrative tasks in one month (the period-based figures of TaskStatistics).' })
export class MonthlyTaskCount {
  @Field(() => String, { description: 'Month, YYYY-MM.' }) month: string;
  @Field(() => Int, { description: 'Tasks submitted that month.' }) submitted: number;
  @Field(() => Int, { description: 'Tasks admitted that month.' }) admitted: number;
  @Field(() => Int, { description: 'Tasks rejected that month.' }) rejected: number;
  @Field(() => Float, { description: 'Money (yuan) that came with the assignments of the tasks admitted that month.' }) fundingAdmitted: number;
  @Field(() => Int, { description: 'Assignments done that month.' }) done: number;
  @Field(() => Int, { description: 'Assignments refused that month.' }) refused: number;
}

export enum TaskMetric {
  OPEN = 'OPEN',
  SUBMITTED = 'SUBMITTED',
  ADMITTED = 'ADMITTED',
  FUNDING = 'FUNDING',
  DONE = 'DONE',
  REFUSED = 'REFUSED',
}
registerEnumType(TaskMetric, {
  name: 'TaskMetric',
  description: 'An administrative-task figure to rank units by.',
  valuesConfig: {
    OPEN: { description: 'Admitted assignments not done yet (now).' },
    SUBMITTED: { description: 'Tasks submitted in the period.' },
    ADMITTED: { description: 'Tasks admitted in the period.' },
    FUNDING: { description: 'Money (yuan) that came with the tasks admitted in the period.' },
    DONE: { description: 'Assignments done in the period.' },
    REFUSED: { description: 'Assignments refused in the period.' },
  },
});

@ObjectType({ description: 'A child unit ranked by an administrative-task figure.' })
export class RankedTaskUnit extends RankedUnit {
  @Field(() => unitTypes.Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

/* Figures over assignments (alias a) joined to their tasks (alias t); the period is $4 (inclusive) to $5 (exclusive). */
const IN = (column: string) => `${column} >= $4::timestamptz AND ${column} < $5::timestamptz`;
const SUBMITTED = IN('t.submitted_at');
/** The task was admitted in the period and this assignment carries it (not refused before the admission). */
const ADMITTED = `t.status = 'ADMITTED' AND ${IN('t.decided_at')} AND a.status IN ('ADMITTED', 'DONE')`;
const REJECTED = `t.status = 'REJECTED' AND ${IN('t.decided_at')}`;
const DONE = `a.status = 'DONE' AND ${IN('a.done_at')}`;
const REFUSED = `a.status = 'REFUSED' AND ${IN('a.refused_at')}`;
const OPEN = `a.status = 'ADMITTED'`;

const FIGURE: Record<TaskMetric, string> = {
  OPEN: `count(a.id) FILTER (WHERE ${OPEN})`,
  SUBMITTED: `count(DISTINCT t.id) FILTER (WHERE ${SUBMITTED})`,
  ADMITTED: `count(DISTINCT t.id) FILTER (WHERE ${ADMITTED})`,
  FUNDING: `coalesce(sum(a.funding_share) FILTER (WHERE ${ADMITTED}), 0)`,
  DONE: `count(a.id) FILTER (WHERE ${DONE})`,
  REFUSED: `count(a.id) FILTER (WHERE ${REFUSED})`,
};

/** Assignments with their tasks, in a unit's subtree (`unitPath`) and the caller's scope ($3). */
const ASSIGNMENTS_UNDER = (unitPath: string) =>
  `LEFT JOIN (street.task_assignment a JOIN street.admin_task t ON t.id = a.task_id) ON a.path <@ ${unitPath} AND a.path <@ $3::ltree`;

const inMonth = (column: string) => `${column} >= m.month AND ${column} < m.month + interval '1 month'`;

/**
 * The dashboard figures of administrative tasks: taskStatistics and taskTrend on districts, street
 * offices and communities, taskRanking on districts (their street offices) and street offices (the
 * communities that were ever assigned a task: the others would rank last with 0).
 */
export const taskFigures = defineFigures<TaskMetric>({
  name: 'task',
  units: [
    { type: unitTypes.classes.DISTRICT, label: 'district', children: 'street offices' },
    { type: unitTypes.classes.STREET, label: 'street office', children: 'communities' },
    { type: unitTypes.classes.COMMUNITY, label: 'community', fields: ['statistics', 'trend'] },
  ],
  statistics: {
    type: TaskStatistics,
    description: (u) => `Administrative tasks carried by the communities in this ${u.label}'s subtree: the burden now and the period's figures.`,
    sql: `SELECT u.code,
                 count(a.id) FILTER (WHERE a.status IN ('ADMITTED', 'DONE'))::int AS admitted,
                 ${FIGURE.OPEN}::int AS open,
                 count(a.id) FILTER (WHERE a.status = 'DONE')::int AS done,
                 count(a.id) FILTER (WHERE a.status = 'REFUSED')::int AS refused,
                 count(a.id) FILTER (WHERE a.status = 'PENDING' AND t.status = 'SUBMITTED')::int AS pending,
                 coalesce(sum(a.funding_share) FILTER (WHERE a.status IN ('ADMITTED', 'DONE')), 0)::float8 AS "fundingReceived",
                 ${FIGURE.SUBMITTED}::int AS "submittedInPeriod",
                 ${FIGURE.ADMITTED}::int AS "admittedInPeriod",
                 count(DISTINCT t.id) FILTER (WHERE ${REJECTED})::int AS "rejectedInPeriod",
                 ${FIGURE.FUNDING}::float8 AS "fundingAdmittedInPeriod",
                 ${FIGURE.DONE}::int AS "doneInPeriod",
                 ${FIGURE.REFUSED}::int AS "refusedInPeriod"
            FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
            ${ASSIGNMENTS_UNDER('u.path')}
           GROUP BY u.code`,
  },
  trend: {
    type: MonthlyTaskCount,
    description: (u) => `Administrative tasks per month in this ${u.label}'s subtree (months with nothing give zeros).`,
    sql: `SELECT u.code, to_char(m.month, 'YYYY-MM') AS month,
                 count(DISTINCT t.id) FILTER (WHERE ${SUBMITTED} AND ${inMonth('t.submitted_at')})::int AS submitted,
                 count(DISTINCT t.id) FILTER (WHERE ${ADMITTED} AND ${inMonth('t.decided_at')})::int AS admitted,
                 count(DISTINCT t.id) FILTER (WHERE ${REJECTED} AND ${inMonth('t.decided_at')})::int AS rejected,
                 coalesce(sum(a.funding_share) FILTER (WHERE ${ADMITTED} AND ${inMonth('t.decided_at')}), 0)::float8 AS "fundingAdmitted",
                 count(a.id) FILTER (WHERE ${DONE} AND ${inMonth('a.done_at')})::int AS done,
                 count(a.id) FILTER (WHERE ${REFUSED} AND ${inMonth('a.refused_at')})::int AS refused
            FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
            CROSS JOIN ${monthSeriesSql('$4', '$5')}
            LEFT JOIN (street.task_assignment a JOIN street.admin_task t ON t.id = a.task_id)
                   ON a.path <@ u.path AND a.path <@ $3::ltree
                  AND ((${inMonth('t.submitted_at')}) OR (${inMonth('t.decided_at')}) OR (${inMonth('a.done_at')}) OR (${inMonth('a.refused_at')}))
           GROUP BY u.code, m.month ORDER BY u.code, m.month`,
  },
  ranking: {
    type: RankedTaskUnit,
    metric: TaskMetric,
    default: TaskMetric.OPEN,
    description: (u) =>
      `The ${u.children} of this ${u.label} ranked by an administrative-task figure, highest first; equal values share a rank.${
        u.label === 'street office' ? ' Communities never assigned a task are left out (they would rank last with 0).' : ''
      }`,
    // A district's children are all its street offices; a street office's are the communities that were ever assigned a task.
    sql: (metric) => `
      children AS (
        SELECT u.code AS parent, subpath(s.path, 0, u.level) AS path FROM u JOIN street.street s ON s.path <@ u.path AND s.path <@ $3::ltree AND nlevel(s.path) >= u.level
        UNION
        SELECT u.code, subpath(a.path, 0, u.level) FROM u JOIN street.task_assignment a ON a.path <@ u.path AND a.path <@ $3::ltree AND nlevel(a.path) >= u.level),
      valued AS (
        SELECT ch.parent, subpath(ch.path, -1)::text AS code, ${FIGURE[metric]}::float8 AS value
          FROM children ch ${ASSIGNMENTS_UNDER('ch.path')}
         GROUP BY ch.parent, ch.path)`,
    own: { tier: Tier.STREET, byCode: (ctx, code) => StreetService.byCode(ctx, code) },
  },
});
