import { Arg, Args, Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root, registerEnumType, type ClassType } from 'type-graphql';
import {
  assertRankingSize, CallerKind, childLevel, chinaToday, createUnitStubs, createUnitUnion, forbidden, monthSeriesSql, PeriodArgs, pathOfCode, RankedUnit,
  RankingPageArgs, statisticsPeriod, Tier, tierOfCode, UNIT_TYPENAMES, type RequestContext, type StatisticsPeriod, type UnitStub,
} from '@cgp/core';
import { PartnerActivityKind, PartnerActivityKindCount } from './activity.entity';
import { Community } from './pairing.entity';

/*
 * The pairing subgraph's part of the dashboard statistics (prefix `pairing`): pairings running now, the
 * social organisations and caring enterprises paired, and the partners' activities in a period with the
 * volunteers they sent and the people they served. Pairings attach to communities, so the figures sit on
 * District, Street and Community (rankings on District and Street). Each field is one SQL statement for
 * every unit a request asks about.
 */

@ObjectType({
  description:
    'Pairings and partners’ service activities in a unit’s whole subtree: pairings now, activities in the period asked for. ' +
    'Aggregate figures only. Staff count everything in their subtree; a partner (on its own paired communities) counts its own pairings and activities.',
})
export class PairingStatistics {
  @Field(() => Int, { description: 'Pairings running today (started, not ended).' }) activePairings: number;
  @Field(() => Int, { description: 'Distinct social organisations with a running pairing.' }) socialOrganisations: number;
  @Field(() => Int, { description: 'Distinct caring enterprises with a running pairing.' }) enterprises: number;
  @Field(() => Int, { description: 'Distinct communities with a running pairing.' }) pairedCommunities: number;
  @Field(() => Int, { description: 'Pairings that started in the period.' }) pairingsStarted: number;
  @Field(() => Int, { description: 'Pairings that ended in the period (their end date falls in it).' }) pairingsEnded: number;
  @Field(() => Int, { description: 'Partners’ service activities held in the period.' }) activities: number;
  @Field(() => Int, { description: 'Volunteers sent, summed over the period’s activities.' }) volunteers: number;
  @Field(() => Int, { description: 'People served, summed over the period’s activities.' }) beneficiaries: number;
  @Field(() => [PartnerActivityKindCount], { description: 'The period’s activities by kind, every kind listed, kinds with none as 0.' })
  activitiesByKind: PartnerActivityKindCount[];
}

@ObjectType({ description: 'Partners’ service activities in one month of a unit’s subtree.' })
export class MonthlyPairingCount {
  @Field(() => String, { description: 'Month, YYYY-MM.' }) month: string;
  @Field(() => Int, { description: 'Activities held that month.' }) activities: number;
  @Field(() => Int, { description: 'Volunteers sent that month.' }) volunteers: number;
  @Field(() => Int, { description: 'People served that month.' }) beneficiaries: number;
  @Field(() => Int, { description: 'Pairings that started that month.' }) pairingsStarted: number;
}

export enum PairingMetric {
  ACTIVITIES = 'ACTIVITIES',
  BENEFICIARIES = 'BENEFICIARIES',
  VOLUNTEERS = 'VOLUNTEERS',
  PAIRINGS = 'PAIRINGS',
}
registerEnumType(PairingMetric, {
  name: 'PairingMetric',
  description: 'A pairing figure to rank units by.',
  valuesConfig: {
    ACTIVITIES: { description: 'Partners’ activities held in the period.' },
    BENEFICIARIES: { description: 'People served in the period.' },
    VOLUNTEERS: { description: 'Volunteers sent in the period.' },
    PAIRINGS: { description: 'Pairings running today.' },
  },
});

const stubs = createUnitStubs('the pairing subgraph adds its pairing statistics');
/** The five unit classes of this subgraph: its own Community stub (with pairings), fresh stubs for the rest. */
export const UNIT_CLASSES: Record<Tier, ClassType<UnitStub>> = { ...stubs, [Tier.COMMUNITY]: Community };
export const Unit = createUnitUnion(UNIT_CLASSES);
export const unitStubTypes = [stubs.DISTRICT, stubs.STREET, stubs.GRID, stubs.BUILDING];

@ObjectType({ description: 'A child unit ranked by a pairing figure.' })
export class RankedPairingUnit extends RankedUnit {
  @Field(() => Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

type Period = StatisticsPeriod;
const KINDS = Object.values(PartnerActivityKind);

/**
 * The SQL condition under which the caller counts a pairing or activity row (alias `x`, parameter `$n`):
 * staff everything in their subtree, a partner its own organisation's rows.
 */
function counted(ctx: RequestContext, alias: string, n: number): { sql: string; param: string } {
  if (ctx.identity.unitPath) return { sql: `${alias}.path <@ $${n}::ltree`, param: ctx.identity.unitPath };
  if (ctx.identity.kind === CallerKind.PARTNER && ctx.identity.org) {
    return { sql: `(${alias}.social_organisation_id::text = $${n} OR ${alias}.enterprise_id::text = $${n})`, param: ctx.identity.org };
  }
  throw forbidden();
}

const RUNS_ON = (alias: string, day: string) => `(${alias}.started_on <= ${day}::date AND (${alias}.ended_on IS NULL OR ${alias}.ended_on > ${day}::date))`;
const HELD_IN_PERIOD = `a.held_on >= $4::date AND a.held_on < $5::date`;

interface StatisticsRow {
  code: string;
  activePairings: number;
  socialOrganisations: number;
  enterprises: number;
  pairedCommunities: number;
  pairingsStarted: number;
  pairingsEnded: number;
  activities: number;
  volunteers: number;
  beneficiaries: number;
  byKind: Record<string, number> | null;
}

interface RankedRow {
  code: string;
  value: number;
  rank: number;
}

/** Pairing statistics, monthly trends and child rankings, each one SQL statement for all units a request asks about. */
export const PairingStatisticsService = {
  statistics(ctx: RequestContext, code: string, p: Period): Promise<PairingStatistics> {
    return ctx
      .figures<PairingStatistics>(`pairing.statistics:${p.from}:${p.to}`, async (codes) => {
        const pv = counted(ctx, 'x', 3);
        const av = counted(ctx, 'a', 3);
        const rows = await ctx.query<StatisticsRow>(
          `SELECT u.code, pp.*, aa.*
             FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
             CROSS JOIN LATERAL (
               SELECT count(*) FILTER (WHERE ${RUNS_ON('x', '$6')})::int AS "activePairings",
                      count(DISTINCT x.social_organisation_id) FILTER (WHERE ${RUNS_ON('x', '$6')})::int AS "socialOrganisations",
                      count(DISTINCT x.enterprise_id) FILTER (WHERE ${RUNS_ON('x', '$6')})::int AS enterprises,
                      count(DISTINCT x.community_code) FILTER (WHERE ${RUNS_ON('x', '$6')})::int AS "pairedCommunities",
                      count(*) FILTER (WHERE x.started_on >= $4::date AND x.started_on < $5::date)::int AS "pairingsStarted",
                      count(*) FILTER (WHERE x.ended_on >= $4::date AND x.ended_on < $5::date)::int AS "pairingsEnded"
                 FROM pairing.pairing x WHERE x.path <@ u.path AND ${pv.sql}) pp
             CROSS JOIN LATERAL (
               SELECT count(*)::int AS activities, coalesce(sum(a.volunteers), 0)::int AS volunteers, coalesce(sum(a.beneficiaries), 0)::int AS beneficiaries,
                      (SELECT jsonb_object_agg(k.kind, k.n) FROM (SELECT a.kind, count(*) AS n FROM pairing.service_activity a
                         WHERE a.path <@ u.path AND ${av.sql} AND ${HELD_IN_PERIOD} GROUP BY a.kind) k) AS "byKind"
                 FROM pairing.service_activity a WHERE a.path <@ u.path AND ${av.sql} AND ${HELD_IN_PERIOD}) aa`,
          [codes, codes.map(pathOfCode), pv.param, p.from, p.to, chinaToday()],
        );
        const byCode = new Map(rows.map((r) => [r.code, r]));
        return codes.map((c) => {
          const { code: _code, byKind, ...figures } = byCode.get(c) as StatisticsRow;
          return { ...figures, activitiesByKind: KINDS.map((kind) => ({ kind, activities: Number(byKind?.[kind] ?? 0) })) };
        });
      })
      .load(code);
  },

  trend(ctx: RequestContext, code: string, p: Period): Promise<MonthlyPairingCount[]> {
    return ctx
      .figures<MonthlyPairingCount[]>(`pairing.trend:${p.from}:${p.to}`, async (codes) => {
        const pv = counted(ctx, 'x', 3);
        const av = counted(ctx, 'a', 3);
        const rows = await ctx.query<MonthlyPairingCount & { code: string }>(
          `WITH u AS (SELECT * FROM unnest($1::text[], $2::ltree[]) AS u(code, path)),
                acts AS (
                  SELECT u.code, date_trunc('month', a.held_on::timestamp) AS month, count(*)::int AS n,
                         sum(a.volunteers)::int AS volunteers, sum(a.beneficiaries)::int AS beneficiaries
                    FROM u JOIN pairing.service_activity a ON a.path <@ u.path AND ${av.sql} AND ${HELD_IN_PERIOD} GROUP BY 1, 2),
                started AS (
                  SELECT u.code, date_trunc('month', x.started_on::timestamp) AS month, count(*)::int AS n
                    FROM u JOIN pairing.pairing x ON x.path <@ u.path AND ${pv.sql} AND x.started_on >= $4::date AND x.started_on < $5::date GROUP BY 1, 2)
           SELECT u.code, to_char(m.month, 'YYYY-MM') AS month, coalesce(a.n, 0) AS activities, coalesce(a.volunteers, 0) AS volunteers,
                  coalesce(a.beneficiaries, 0) AS beneficiaries, coalesce(s.n, 0) AS "pairingsStarted"
             FROM u CROSS JOIN ${monthSeriesSql('$4', '$5')}
             LEFT JOIN acts a ON a.code = u.code AND a.month = m.month
             LEFT JOIN started s ON s.code = u.code AND s.month = m.month
            ORDER BY u.code, m.month`,
          [codes, codes.map(pathOfCode), pv.param, p.from, p.to],
        );
        return codes.map((c) => rows.filter((r) => r.code === c).map(({ code: _code, ...month }) => month));
      })
      .load(code);
  },

  /**
   * The unit's children ranked by a pairing figure, highest first (ties share a rank, then by code). The
   * children are those with a pairing; every ranking asked in a request with the same metric, period and
   * size is one statement. Staff only.
   */
  ranking(ctx: RequestContext, code: string, metric: PairingMetric, p: Period, first: number): Promise<RankedRow[]> {
    childLevel(code); // a building has no children: BAD_USER_INPUT before anything is asked
    return ctx
      .figures<RankedRow[]>(`pairing.ranking:${metric}:${p.from}:${p.to}:${first}`, async (codes) => {
        const activities = (figure: string) =>
          `(SELECT ${figure} FROM pairing.service_activity a WHERE a.path <@ ch.path AND a.path <@ $3::ltree AND ${HELD_IN_PERIOD})`;
        const value = {
          ACTIVITIES: activities('count(*)'),
          BENEFICIARIES: activities('coalesce(sum(a.beneficiaries), 0)'),
          VOLUNTEERS: activities('coalesce(sum(a.volunteers), 0)'),
          PAIRINGS: `(SELECT count(*) FROM pairing.pairing x WHERE x.path <@ ch.path AND x.path <@ $3::ltree AND ${RUNS_ON('x', '$8')})`,
        }[metric];
        const rows = await ctx.query<RankedRow & { parent: string }>(
          `-- The period and today are typed here once: not every metric uses them.
           WITH u AS (SELECT u.*, $4::date AS period_from, $5::date AS period_to, $8::date AS today FROM unnest($1::text[], $2::ltree[], $6::int[]) AS u(code, path, level)),
                children AS (
                  SELECT DISTINCT u.code AS parent, subpath(x.path, 0, u.level) AS path
                    FROM u JOIN pairing.pairing x ON x.path <@ u.path AND nlevel(x.path) >= u.level AND x.path <@ $3::ltree),
                valued AS (SELECT ch.parent, subpath(ch.path, -1)::text AS code, ${value}::float8 AS value FROM children ch),
                ranked AS (
                  SELECT parent, code, value, rank() OVER (PARTITION BY parent ORDER BY value DESC)::int AS rank,
                         row_number() OVER (PARTITION BY parent ORDER BY value DESC, code) AS n
                    FROM valued)
           SELECT parent, code, value, rank FROM ranked WHERE n <= $7 ORDER BY parent, n`,
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to, codes.map(childLevel), first, chinaToday()],
        );
        return codes.map((c) => rows.filter((r) => r.parent === c).map(({ code: child, value: v, rank }) => ({ code: child, value: v, rank })));
      })
      .load(code);
  },
};

/** Adds pairingStatistics and pairingTrend (and pairingRanking where the children can have pairings) to one unit type. */
function pairingStatisticsResolver(unit: ClassType<UnitStub>, label: string, withRanking: boolean) {
  @Resolver(() => unit)
  class UnitPairingStatisticsResolver {
    @FieldResolver(() => PairingStatistics, {
      description: `Pairings and partners’ activities in this ${label}'s subtree: pairings now, activities in the period. A partner may read those of its own paired communities (its own figures there).`,
    })
    pairingStatistics(@Root() u: UnitStub, @Ctx() ctx: RequestContext, @Args(() => PeriodArgs) { from, to }: PeriodArgs): Promise<PairingStatistics> {
      return PairingStatisticsService.statistics(ctx, u.code, statisticsPeriod(from, to));
    }

    @FieldResolver(() => [MonthlyPairingCount], { description: `Partners’ activities, volunteers, people served and pairings started per month in this ${label}'s subtree (every month of the period, empty months as 0).` })
    pairingTrend(@Root() u: UnitStub, @Ctx() ctx: RequestContext, @Args(() => PeriodArgs) { from, to }: PeriodArgs): Promise<MonthlyPairingCount[]> {
      return PairingStatisticsService.trend(ctx, u.code, statisticsPeriod(from, to));
    }
  }

  @Resolver(() => unit)
  class UnitPairingRankingResolver {
    @FieldResolver(() => [RankedPairingUnit], { description: `The child units of this ${label} ranked by a pairing figure, highest first (staff only).` })
    async pairingRanking(
      @Root() u: UnitStub,
      @Ctx() ctx: RequestContext,
      @Arg('metric', () => PairingMetric, { defaultValue: PairingMetric.ACTIVITIES, description: 'The figure to rank by.' }) metric: PairingMetric,
      @Args(() => RankingPageArgs) { first, from, to }: RankingPageArgs,
    ): Promise<RankedPairingUnit[]> {
      assertRankingSize(first);
      const rows = await PairingStatisticsService.ranking(ctx, u.code, metric, statisticsPeriod(from, to), first);
      return rows.map((r) => ({ ...r, unit: { __typename: UNIT_TYPENAMES[tierOfCode(r.code) as Tier], code: r.code } }));
    }
  }
  return withRanking ? [UnitPairingStatisticsResolver, UnitPairingRankingResolver] : [UnitPairingStatisticsResolver];
}

export const pairingStatisticsResolvers = [
  ...pairingStatisticsResolver(UNIT_CLASSES.DISTRICT, 'district', true),
  ...pairingStatisticsResolver(UNIT_CLASSES.STREET, 'street office', true),
  ...pairingStatisticsResolver(UNIT_CLASSES.COMMUNITY, 'community', false),
];
