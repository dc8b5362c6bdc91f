import { Arg, Args, Ctx, Field, FieldResolver, Float, Int, ObjectType, Resolver, Root, registerEnumType, type ClassType } from 'type-graphql';
import {
  assertRankingSize, childLevel, createUnitStubs, createUnitUnion, monthSeriesSql, pathOfCode, PeriodArgs, RankedUnit, RankingPageArgs, statisticsPeriod, Tier,
  tierOfCode, UNIT_TYPENAMES, type RequestContext, type StatisticsPeriod, type UnitStub,
} from '@cgp/core';
import { District, Street } from './street.entity';
import { StreetService } from './street.service';
import { Community } from './task.entity';

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
  @Field(() => Int, { description: 'Tasks the street office admitted in the period (for at least one community of the subtree that did not refuse).' }) admittedInPeriod: number;
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

type Period = StatisticsPeriod;
type RankedRow = { code: string; value: number; rank: number };

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

/** Statistics, monthly trends and child rankings of administrative tasks, each one SQL statement for all units a request asks about. */
export const TaskStatisticsService = {
  statistics(ctx: RequestContext, code: string, p: Period): Promise<TaskStatistics> {
    return ctx
      .figures<TaskStatistics>(`task.statistics:${p.from}:${p.to}`, async (codes) => {
        const rows = await ctx.query<TaskStatistics & { code: string }>(
          `SELECT u.code,
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
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to],
        );
        return codes.map((c) => rows.find((r) => r.code === c) as TaskStatistics);
      })
      .load(code);
  },

  trend(ctx: RequestContext, code: string, p: Period): Promise<MonthlyTaskCount[]> {
    const inMonth = (column: string) => `${column} >= m.month AND ${column} < m.month + interval '1 month'`;
    return ctx
      .figures<MonthlyTaskCount[]>(`task.trend:${p.from}:${p.to}`, async (codes) => {
        const rows = await ctx.query<MonthlyTaskCount & { code: string }>(
          `SELECT u.code, to_char(m.month, 'YYYY-MM') AS month,
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
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to],
        );
        return codes.map((c) => rows.filter((r) => r.code === c).map(({ code: _code, ...month }) => month));
      })
      .load(code);
  },

  /**
   * The unit's children ranked by a task figure, highest first, equal values sharing a rank, then by
   * code; one statement for all units asked. A district's children are all its street offices; a
   * street office's are the communities that were ever assigned a task (the others would rank last with 0).
   */
  ranking(ctx: RequestContext, code: string, metric: TaskMetric, p: Period, first: number): Promise<RankedRow[]> {
    childLevel(code);
    return ctx
      .figures<RankedRow[]>(`task.ranking:${metric}:${p.from}:${p.to}:${first}`, async (codes) => {
        const rows = await ctx.query<RankedRow & { parent: string }>(
          `WITH u AS (SELECT code, path, nlevel(path) + 1 AS level FROM unnest($1::text[], $2::ltree[]) AS u(code, path)),
           children AS (
             SELECT u.code AS parent, subpath(s.path, 0, u.level) AS path FROM u JOIN street.street s ON s.path <@ u.path AND s.path <@ $3::ltree AND nlevel(s.path) >= u.level
             UNION
             SELECT u.code, subpath(a.path, 0, u.level) FROM u JOIN street.task_assignment a ON a.path <@ u.path AND a.path <@ $3::ltree AND nlevel(a.path) >= u.level),
           valued AS (
             SELECT ch.parent, subpath(ch.path, -1)::text AS code, ${FIGURE[metric]}::float8 AS value
               FROM children ch ${ASSIGNMENTS_UNDER('ch.path')}
              GROUP BY ch.parent, ch.path),
           ranked AS (
             SELECT parent, code, value, rank() OVER (PARTITION BY parent ORDER BY value DESC)::int AS rank,
                    row_number() OVER (PARTITION BY parent ORDER BY value DESC, code) AS n
               FROM valued)
           -- (the period test also types $4 and $5 for the figures that do not use them)
           SELECT parent, code, value, rank FROM ranked WHERE n <= $6 AND $4::timestamptz < $5::timestamptz ORDER BY parent, n`,
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to, first],
        );
        return codes.map((c) => rows.filter((r) => r.parent === c).map(({ code: child, value, rank }) => ({ code: child, value, rank })));
      })
      .load(code);
  },
};

const stubs = createUnitStubs('the street subgraph adds its task statistics');
/** The five unit classes of this subgraph: its own Street, the District and Community stubs it already has, stubs for the rest. */
const UNIT_CLASSES: Record<Tier, ClassType<UnitStub>> = {
  ...stubs,
  [Tier.DISTRICT]: District,
  [Tier.STREET]: Street as unknown as ClassType<UnitStub>,
  [Tier.COMMUNITY]: Community,
};
export const Unit = createUnitUnion(UNIT_CLASSES);

@ObjectType({ description: 'A child unit ranked by an administrative-task figure.' })
export class RankedTaskUnit extends RankedUnit {
  @Field(() => Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

/** Adds taskStatistics and taskTrend to one unit type. */
function taskStatisticsResolver(unit: ClassType<UnitStub>, label: string) {
  @Resolver(() => unit)
  class UnitTaskStatisticsResolver {
    @FieldResolver(() => TaskStatistics, { description: `Administrative tasks carried by the communities in this ${label}'s subtree: the burden now and the period's figures.` })
    taskStatistics(@Root() u: UnitStub, @Ctx() ctx: RequestContext, @Args(() => PeriodArgs) { from, to }: PeriodArgs): Promise<TaskStatistics> {
      return TaskStatisticsService.statistics(ctx, u.code, statisticsPeriod(from, to));
    }

    @FieldResolver(() => [MonthlyTaskCount], { description: `Administrative tasks per month in this ${label}'s subtree (months with nothing give zeros).` })
    taskTrend(@Root() u: UnitStub, @Ctx() ctx: RequestContext, @Args(() => PeriodArgs) { from, to }: PeriodArgs): Promise<MonthlyTaskCount[]> {
      return TaskStatisticsService.trend(ctx, u.code, statisticsPeriod(from, to));
    }
  }
  return UnitTaskStatisticsResolver;
}

/** Adds taskRanking to a unit type whose children carry tasks (a district's street offices, a street office's communities). */
function taskRankingResolver(unit: ClassType<UnitStub>, label: string, children: string) {
  @Resolver(() => unit)
  class UnitTaskRankingResolver {
    @FieldResolver(() => [RankedTaskUnit], {
      description: `The ${children} of this ${label} ranked by an administrative-task figure, highest first; equal values share a rank.${
        label === 'street office' ? ' Communities never assigned a task are left out (they would rank last with 0).' : ''
      }`,
    })
    async taskRanking(
      @Root() u: UnitStub,
      @Ctx() ctx: RequestContext,
      @Arg('metric', () => TaskMetric, { defaultValue: TaskMetric.OPEN, description: 'The figure to rank by.' }) metric: TaskMetric,
      @Args(() => RankingPageArgs) { first, from, to }: RankingPageArgs,
    ): Promise<RankedTaskUnit[]> {
      assertRankingSize(first);
      const rows = await TaskStatisticsService.ranking(ctx, u.code, metric, statisticsPeriod(from, to), first);
      // A street office is this subgraph's own type: the gateway reads its fields here, so it must be the whole row (one batched read).
      return Promise.all(
        rows.map(async (r) => {
          const tier = tierOfCode(r.code) as Tier;
          const own = tier === Tier.STREET ? await StreetService.byCode(ctx, r.code) : null;
          return { ...r, unit: { ...own, __typename: UNIT_TYPENAMES[tier], code: r.code } };
        }),
      );
    }
  }
  return UnitTaskRankingResolver;
}

export const taskStatisticsResolvers = [
  taskStatisticsResolver(UNIT_CLASSES.DISTRICT, 'district'),
  taskStatisticsResolver(UNIT_CLASSES.STREET, 'street office'),
  taskStatisticsResolver(UNIT_CLASSES.COMMUNITY, 'community'),
  taskRankingResolver(UNIT_CLASSES.DISTRICT, 'district', 'street offices'),
  taskRankingResolver(UNIT_CLASSES.STREET, 'street office', 'communities'),
];
/** Unit types this subgraph names only as ranked units. */
export const taskUnitStubs = [stubs.GRID, stubs.BUILDING];
