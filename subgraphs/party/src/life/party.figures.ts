import { Arg, Args, Ctx, Field, FieldResolver, Float, Int, ObjectType, Resolver, Root, registerEnumType, type ClassType } from 'type-graphql';
import {
  assertRankingSize, childLevel, monthSeriesSql, PeriodArgs, pathOfCode, RankedUnit, RankingPageArgs, statisticsPeriod, Tier, tierOfCode, TIERS,
  UNIT_TYPENAMES, type RequestContext, type StatisticsPeriod,
} from '@cgp/core';
import { PartyOrganisationKind } from './party-organisation.entity';
import {
  DECIDED_ON, MEMBER_COLUMNS, MEMBERS_PER_PATH, REPORT_COLUMNS, REPORTS_PER_PATH, subtreeSums, UNITS_CTE, type FigureColumn, type MemberFigures, type ReportFigures,
} from './subtree-figures';
import { Unit, UNIT_STUBS } from './unit.stubs';

/*
 * The party's part of the dashboard statistics (prefix `party`): members by kind, organisations by kind,
 * "three meetings and one lesson" held in a period with attendance, in-service members' reports and
 * service hours. Each field is one SQL statement for every unit a request asks about.
 */

@ObjectType({ description: 'How many party organisations of one kind.' })
export class PartyOrganisationKindCount {
  @Field(() => PartyOrganisationKind, { description: 'The kind (level) of organisation.' }) kind: PartyOrganisationKind;
  @Field(() => Int, { description: 'Organisations of that kind.' }) organisations: number;
}

@ObjectType({ description: 'Party figures of a unit’s whole subtree: members and organisations now, and the meetings, reports and service hours of the period asked for.' })
export class PartyStatistics {
  @Field(() => Int, { description: 'Party members now, all kinds.' }) members: number;
  @Field(() => Int, { description: 'Resident members (居民党员) now.' }) residentMembers: number;
  @Field(() => Int, { description: 'In-service members (在职党员) now.' }) inServiceMembers: number;
  @Field(() => Int, { description: 'Floating members (流动党员) now.' }) floatingMembers: number;
  @Field(() => Int, { description: 'Party organisations now, all kinds.' }) organisations: number;
  @Field(() => [PartyOrganisationKindCount], { description: 'Organisations by kind, every kind listed (top level first), kinds with none as 0.' })
  organisationsByKind: PartyOrganisationKindCount[];
  @Field(() => Int, { description: 'Functional branches (功能型党支部) now.' }) functionalBranches: number;
  @Field(() => Int, { description: 'Combined branches (兼合式党支部) now.' }) combinedBranches: number;
  @Field(() => Int, { description: 'In-service members’ reports waiting for acceptance now.' }) inServiceWaiting: number;
  @Field(() => Int, { description: 'In-service members serving now (accepted reports).' }) inServiceServing: number;
  @Field(() => Int, { description: 'In-service members’ reports (报到) recorded in the period, whatever became of them.' }) inServiceReported: number;
  @Field(() => Int, { description: 'Reports accepted in the period (decided that day, China time).' }) inServiceAccepted: number;
  @Field(() => Float, { description: 'Service hours in-service members gave in the period (by the day served).' }) serviceHours: number;
  @Field(() => Int, { description: 'Meetings and lessons ("three meetings and one lesson", 三会一课) held in the period.' }) meetingsHeld: number;
  @Field(() => Int, { description: 'Branch members’ meetings held in the period.' }) branchMembersMeetings: number;
  @Field(() => Int, { description: 'Branch committee meetings held in the period.' }) branchCommitteeMeetings: number;
  @Field(() => Int, { description: 'Party group meetings held in the period.' }) groupMeetings: number;
  @Field(() => Int, { description: 'Party lessons held in the period.' }) partyLessons: number;
  @Field(() => Float, { nullable: true, description: 'Present / listed over the period’s meetings, 0 to 1 (4 decimals); null when no attendance was recorded.' })
  attendanceRate: number | null;
}

@ObjectType({ description: 'Party life in one month of a unit’s subtree.' })
export class MonthlyPartyCount {
  @Field(() => String, { description: 'Month, YYYY-MM.' }) month: string;
  @Field(() => Int, { description: 'Meetings and lessons held that month.' }) meetingsHeld: number;
  @Field(() => Float, { nullable: true, description: 'Present / listed over that month’s meetings, 0 to 1; null when none.' }) attendanceRate: number | null;
  @Field(() => Int, { description: 'In-service members’ reports recorded that month.' }) inServiceReported: number;
  @Field(() => Int, { description: 'Reports accepted that month.' }) inServiceAccepted: number;
  @Field(() => Float, { description: 'Service hours given that month.' }) serviceHours: number;
}

export enum PartyMetric {
  MEMBERS = 'MEMBERS',
  IN_SERVICE_MEMBERS = 'IN_SERVICE_MEMBERS',
  IN_SERVICE_REPORTED = 'IN_SERVICE_REPORTED',
  IN_SERVICE_ACCEPTED = 'IN_SERVICE_ACCEPTED',
  MEETINGS = 'MEETINGS',
  ATTENDANCE_RATE = 'ATTENDANCE_RATE',
  SERVICE_HOURS = 'SERVICE_HOURS',
}
registerEnumType(PartyMetric, {
  name: 'PartyMetric',
  description: 'A party figure to rank units by.',
  valuesConfig: {
    MEMBERS: { description: 'Party members now.' },
    IN_SERVICE_MEMBERS: { description: 'In-service members now.' },
    IN_SERVICE_REPORTED: { description: 'In-service members’ reports recorded in the period.' },
    IN_SERVICE_ACCEPTED: { description: 'Reports accepted in the period.' },
    MEETINGS: { description: 'Meetings and lessons held in the period.' },
    ATTENDANCE_RATE: { description: 'Attendance rate of the period’s meetings (0 when none).' },
    SERVICE_HOURS: { description: 'Service hours given in the period.' },
  },
});

@ObjectType({ description: 'A child unit ranked by a party figure.' })
export class RankedPartyUnit extends RankedUnit {
  @Field(() => Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

type Period = StatisticsPeriod;
const KINDS = Object.values(PartyOrganisationKind);
const RATE = (present: string, listed: string) => `round(${present}::numeric / nullif(${listed}, 0), 4)::float8`;

/* Per-path figures inside the caller's scope ($3), for the period $4..$5 (see subtree-figures.ts for the shape). */

const ORGANISATION_COLUMNS: FigureColumn[] = [['organisations', 'int'], ...KINDS.map((k): FigureColumn => [k, 'int']), ['functionalBranches', 'int'], ['combinedBranches', 'int']];
const ORGANISATIONS_PER_PATH = `SELECT o.path, count(*)::int AS organisations,
    ${KINDS.map((k) => `count(*) FILTER (WHERE o.kind = '${k}')::int AS "${k}"`).join(', ')},
    count(*) FILTER (WHERE o.kind = 'BRANCH' AND o.category = 'FUNCTIONAL')::int AS "functionalBranches",
    count(*) FILTER (WHERE o.kind = 'BRANCH' AND o.category = 'COMBINED')::int AS "combinedBranches"
  FROM party.party_organisation o WHERE o.path <@ $3::ltree GROUP BY o.path`;

/** Reports recorded (by reported_on) and accepted (by the China day decided) in the period. */
const REPORTED_IN_PERIOD = `r.reported_on >= $4::date AND r.reported_on < $5::date`;
const ACCEPTED_IN_PERIOD = `r.status = 'ACCEPTED' AND ${DECIDED_ON} >= $4::date AND ${DECIDED_ON} < $5::date`;
const PERIOD_REPORT_COLUMNS: FigureColumn[] = [['inServiceReported', 'int'], ['inServiceAccepted', 'int']];
const PERIOD_REPORTS_PER_PATH = `SELECT r.path, count(*) FILTER (WHERE ${REPORTED_IN_PERIOD})::int AS "inServiceReported",
    count(*) FILTER (WHERE ${ACCEPTED_IN_PERIOD})::int AS "inServiceAccepted"
  FROM party.service_report r WHERE r.path <@ $3::ltree AND ((${REPORTED_IN_PERIOD}) OR (${ACCEPTED_IN_PERIOD})) GROUP BY r.path`;

const SERVED_IN_PERIOD = `l.served_on >= $4::date AND l.served_on < $5::date`;
const HOURS_PER_PATH = `SELECT l.path, sum(l.hours)::float8 AS "serviceHours" FROM party.service_log l WHERE l.path <@ $3::ltree AND ${SERVED_IN_PERIOD} GROUP BY l.path`;

/** Meetings (aliased `mt`) held in the period. */
const HELD_IN_PERIOD = `mt.held_on >= $4::date AND mt.held_on < $5::date`;
const MEETING_KINDS = [['branchMembersMeetings', 'BRANCH_MEMBERS_MEETING'], ['branchCommitteeMeetings', 'BRANCH_COMMITTEE_MEETING'], ['groupMeetings', 'GROUP_MEETING'], ['partyLessons', 'PARTY_LESSON']] as const;
const MEETING_COLUMNS: FigureColumn[] = [['meetingsHeld', 'int'], ...MEETING_KINDS.map(([name]): FigureColumn => [name, 'int'])];
const MEETINGS_PER_PATH = `SELECT mt.path, count(*)::int AS "meetingsHeld", ${MEETING_KINDS.map(([name, kind]) => `count(*) FILTER (WHERE mt.kind = '${kind}')::int AS "${name}"`).join(', ')}
  FROM party.organisation_meeting mt WHERE mt.path <@ $3::ltree AND ${HELD_IN_PERIOD} GROUP BY mt.path`;
const ATTENDANCE_COLUMNS: FigureColumn[] = [['present', 'int'], ['listed', 'int']];
/**
 * The attendance rows inside the caller's scope, read in one pass (`OFFSET 0` keeps the subquery apart):
 * joined directly, the planner probes the attendance table once per meeting and ANDs in its path index
 * (the row-level-security predicate) on every probe — seconds for a district instead of milliseconds.
 */
const ATTENDANCE_IN_SCOPE = `(SELECT a.meeting_id, a.path, a.present FROM party.meeting_attendance a WHERE a.path <@ $3::ltree OFFSET 0) a`;
const ATTENDANCE_PER_PATH = `SELECT a.path, count(*) FILTER (WHERE a.present)::int AS present, count(*)::int AS listed
  FROM ${ATTENDANCE_IN_SCOPE} JOIN party.organisation_meeting mt ON mt.id = a.meeting_id AND mt.path <@ $3::ltree AND ${HELD_IN_PERIOD}
 GROUP BY a.path`;

/** The same per path and month (`month`, a timestamp at the month's start) for the trend. */
const MONTH = (day: string) => `date_trunc('month', (${day})::timestamp)`;
const MONTHLY = {
  meetings: `SELECT mt.path, ${MONTH('mt.held_on')} AS month, count(*)::int AS n FROM party.organisation_meeting mt WHERE mt.path <@ $3::ltree AND ${HELD_IN_PERIOD} GROUP BY 1, 2`,
  attendance: `SELECT a.path, ${MONTH('mt.held_on')} AS month, count(*) FILTER (WHERE a.present)::int AS present, count(*)::int AS listed
     FROM ${ATTENDANCE_IN_SCOPE} JOIN party.organisation_meeting mt ON mt.id = a.meeting_id AND mt.path <@ $3::ltree AND ${HELD_IN_PERIOD}
    GROUP BY 1, 2`,
  reported: `SELECT r.path, ${MONTH('r.reported_on')} AS month, count(*)::int AS n FROM party.service_report r WHERE r.path <@ $3::ltree AND ${REPORTED_IN_PERIOD} GROUP BY 1, 2`,
  accepted: `SELECT r.path, ${MONTH(DECIDED_ON)} AS month, count(*)::int AS n FROM party.service_report r WHERE r.path <@ $3::ltree AND ${ACCEPTED_IN_PERIOD} GROUP BY 1, 2`,
  hours: `SELECT l.path, ${MONTH('l.served_on')} AS month, sum(l.hours)::float8 AS n FROM party.service_log l WHERE l.path <@ $3::ltree AND ${SERVED_IN_PERIOD} GROUP BY 1, 2`,
};

/** Per-path figures (columns `path`, `a` and, for rates, `b`) and how a child's value is made of their sums, per ranking metric. */
const RANKED: Record<PartyMetric, { perPath: string; value: string }> = {
  MEMBERS: { perPath: `SELECT m.path, count(*)::int AS a FROM party.party_member m WHERE m.path <@ $3::ltree GROUP BY 1`, value: 'sum(f.a)' },
  IN_SERVICE_MEMBERS: { perPath: `SELECT m.path, count(*)::int AS a FROM party.party_member m WHERE m.path <@ $3::ltree AND m.kind = 'IN_SERVICE' GROUP BY 1`, value: 'sum(f.a)' },
  IN_SERVICE_REPORTED: { perPath: `SELECT r.path, count(*)::int AS a FROM party.service_report r WHERE r.path <@ $3::ltree AND ${REPORTED_IN_PERIOD} GROUP BY 1`, value: 'sum(f.a)' },
  IN_SERVICE_ACCEPTED: { perPath: `SELECT r.path, count(*)::int AS a FROM party.service_report r WHERE r.path <@ $3::ltree AND ${ACCEPTED_IN_PERIOD} GROUP BY 1`, value: 'sum(f.a)' },
  MEETINGS: { perPath: `SELECT mt.path, count(*)::int AS a FROM party.organisation_meeting mt WHERE mt.path <@ $3::ltree AND ${HELD_IN_PERIOD} GROUP BY 1`, value: 'sum(f.a)' },
  ATTENDANCE_RATE: { perPath: ATTENDANCE_PER_PATH.replace('AS present', 'AS a').replace('AS listed', 'AS b'), value: RATE('sum(f.a)', 'sum(f.b)') },
  SERVICE_HOURS: { perPath: `SELECT l.path, sum(l.hours) AS a FROM party.service_log l WHERE l.path <@ $3::ltree AND ${SERVED_IN_PERIOD} GROUP BY 1`, value: 'sum(f.a)' },
};

interface StatisticsRow extends MemberFigures, ReportFigures {
  code: string;
  organisations: number;
  functionalBranches: number;
  combinedBranches: number;
  inServiceReported: number;
  inServiceAccepted: number;
  serviceHours: number;
  meetingsHeld: number;
  branchMembersMeetings: number;
  branchCommitteeMeetings: number;
  groupMeetings: number;
  partyLessons: number;
  present: number;
  listed: number;
  [kind: string]: number | string;
}

interface RankedRow {
  code: string;
  value: number;
  rank: number;
}

/** Party statistics, monthly trends and child rankings, each one SQL statement for all units a request asks about. */
export const PartyStatisticsService = {
  statistics(ctx: RequestContext, code: string, p: Period): Promise<PartyStatistics> {
    return ctx
      .figures<PartyStatistics>(`party.statistics:${p.from}:${p.to}`, async (codes) => {
        const rows = await ctx.query<StatisticsRow>(
          `WITH ${UNITS_CTE},
                members AS MATERIALIZED (${MEMBERS_PER_PATH}),
                organisations AS MATERIALIZED (${ORGANISATIONS_PER_PATH}),
                reports AS MATERIALIZED (${REPORTS_PER_PATH}),
                period_reports AS MATERIALIZED (${PERIOD_REPORTS_PER_PATH}),
                hours AS MATERIALIZED (${HOURS_PER_PATH}),
                meetings AS MATERIALIZED (${MEETINGS_PER_PATH}),
                attendance AS MATERIALIZED (${ATTENDANCE_PER_PATH})
           SELECT u.code, mm.*, oo.*, rr.*, pr.*, hh.*, mt.*, aa.*
             FROM u
             CROSS JOIN LATERAL ${subtreeSums('members', MEMBER_COLUMNS)} mm
             CROSS JOIN LATERAL ${subtreeSums('organisations', ORGANISATION_COLUMNS)} oo
             CROSS JOIN LATERAL ${subtreeSums('reports', REPORT_COLUMNS)} rr
             CROSS JOIN LATERAL ${subtreeSums('period_reports', PERIOD_REPORT_COLUMNS)} pr
             CROSS JOIN LATERAL ${subtreeSums('hours', [['serviceHours', 'float8']])} hh
             CROSS JOIN LATERAL ${subtreeSums('meetings', MEETING_COLUMNS)} mt
             CROSS JOIN LATERAL ${subtreeSums('attendance', ATTENDANCE_COLUMNS)} aa`,
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to],
        );
        const byCode = new Map(rows.map((r) => [r.code, r]));
        return codes.map((c) => {
          const r = byCode.get(c) as StatisticsRow;
          return {
            members: r.members, residentMembers: r.residentMembers, inServiceMembers: r.inServiceMembers, floatingMembers: r.floatingMembers,
            organisations: r.organisations,
            organisationsByKind: KINDS.map((kind) => ({ kind, organisations: r[kind] as number })),
            functionalBranches: r.functionalBranches, combinedBranches: r.combinedBranches,
            inServiceWaiting: r.reported, inServiceServing: r.accepted, inServiceReported: r.inServiceReported, inServiceAccepted: r.inServiceAccepted,
            serviceHours: r.serviceHours,
            meetingsHeld: r.meetingsHeld, branchMembersMeetings: r.branchMembersMeetings, branchCommitteeMeetings: r.branchCommitteeMeetings,
            groupMeetings: r.groupMeetings, partyLessons: r.partyLessons,
            attendanceRate: r.listed ? Math.round((r.present / r.listed) * 10000) / 10000 : null,
          };
        });
      })
      .load(code);
  },

  trend(ctx: RequestContext, code: string, p: Period): Promise<MonthlyPartyCount[]> {
    return ctx
      .figures<MonthlyPartyCount[]>(`party.trend:${p.from}:${p.to}`, async (codes) => {
        // Per path and month first, then per unit and month: one pass over each table whatever the number of units.
        const perUnit = (name: string, columns: string) => `${name}_u AS (
            SELECT u.code, x.month, ${columns} FROM u JOIN ${name} x ON x.path <@ u.path GROUP BY 1, 2)`;
        const rows = await ctx.query<MonthlyPartyCount & { code: string; present: number | null; listed: number | null }>(
          `WITH ${UNITS_CTE},
                ${Object.entries(MONTHLY).map(([name, sql]) => `${name} AS MATERIALIZED (${sql})`).join(',\n')},
                ${perUnit('meetings', 'sum(x.n)::int AS n')},
                ${perUnit('attendance', 'sum(x.present)::int AS present, sum(x.listed)::int AS listed')},
                ${perUnit('reported', 'sum(x.n)::int AS n')},
                ${perUnit('accepted', 'sum(x.n)::int AS n')},
                ${perUnit('hours', 'sum(x.n)::float8 AS n')}
           SELECT u.code, to_char(m.month, 'YYYY-MM') AS month,
                  coalesce(mt.n, 0) AS "meetingsHeld", a.present, a.listed,
                  coalesce(rp.n, 0) AS "inServiceReported", coalesce(ac.n, 0) AS "inServiceAccepted", coalesce(h.n, 0)::float8 AS "serviceHours"
             FROM u CROSS JOIN ${monthSeriesSql('$4', '$5')}
             LEFT JOIN meetings_u mt ON mt.code = u.code AND mt.month = m.month
             LEFT JOIN attendance_u a ON a.code = u.code AND a.month = m.month
             LEFT JOIN reported_u rp ON rp.code = u.code AND rp.month = m.month
             LEFT JOIN accepted_u ac ON ac.code = u.code AND ac.month = m.month
             LEFT JOIN hours_u h ON h.code = u.code AND h.month = m.month
            ORDER BY u.code, m.month`,
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to],
        );
        return codes.map((c) =>
          rows
            .filter((r) => r.code === c)
            .map(({ month, meetingsHeld, present, listed, inServiceReported, inServiceAccepted, serviceHours }) => ({
              month, meetingsHeld, inServiceReported, inServiceAccepted, serviceHours,
              attendanceRate: listed ? Math.round(((present ?? 0) / listed) * 10000) / 10000 : null,
            })),
        );
      })
      .load(code);
  },

  /**
   * The unit's children ranked by a party figure, highest first (ties share a rank, then by code). The
   * children are the units below with a party organisation; every ranking asked in a request with the
   * same metric, period and size is one statement.
   */
  ranking(ctx: RequestContext, code: string, metric: PartyMetric, p: Period, first: number): Promise<RankedRow[]> {
    childLevel(code); // a building has no children: BAD_USER_INPUT before anything is asked
    return ctx
      .figures<RankedRow[]>(`party.ranking:${metric}:${p.from}:${p.to}:${first}`, async (codes) => {
        const { perPath, value } = RANKED[metric];
        const rows = await ctx.query<RankedRow & { parent: string }>(
          `-- The period is typed here once: not every metric uses it.
           WITH u AS (SELECT u.*, $4::date AS period_from, $5::date AS period_to FROM unnest($1::text[], $2::ltree[], $6::int[]) AS u(code, path, level)),
                organisation_paths AS MATERIALIZED (SELECT DISTINCT o.path FROM party.party_organisation o WHERE o.path <@ $3::ltree),
                children AS (
                  SELECT DISTINCT u.code AS parent, subpath(o.path, 0, u.level) AS path
                    FROM u JOIN organisation_paths o ON o.path <@ u.path AND nlevel(o.path) >= u.level),
                figures AS MATERIALIZED (${perPath}),
                valued AS (
                  SELECT ch.parent, subpath(ch.path, -1)::text AS code, coalesce(${value}, 0)::float8 AS value
                    FROM children ch LEFT JOIN figures f ON f.path <@ ch.path GROUP BY ch.parent, ch.path),
                ranked AS (
                  SELECT parent, code, value, rank() OVER (PARTITION BY parent ORDER BY value DESC)::int AS rank,
                         row_number() OVER (PARTITION BY parent ORDER BY value DESC, code) AS n
                    FROM valued)
           SELECT parent, code, value, rank FROM ranked WHERE n <= $7 ORDER BY parent, n`,
          [codes, codes.map(pathOfCode), ctx.scope, p.from, p.to, codes.map(childLevel), first],
        );
        return codes.map((c) => rows.filter((r) => r.parent === c).map(({ code: child, value: v, rank }) => ({ code: child, value: v, rank })));
      })
      .load(code);
  },
};

/** Adds partyStatistics, partyTrend and partyRanking to one unit type. */
function partyStatisticsResolver(unit: ClassType<{ code: string }>, label: string) {
  @Resolver(() => unit)
  class UnitPartyStatisticsResolver {
    @FieldResolver(() => PartyStatistics, { description: `Party figures of this ${label}'s subtree: members and organisations now, meetings, reports and service hours in the period.` })
    partyStatistics(@Root() u: { code: string }, @Ctx() ctx: RequestContext, @Args(() => PeriodArgs) { from, to }: PeriodArgs): Promise<PartyStatistics> {
      return PartyStatisticsService.statistics(ctx, u.code, statisticsPeriod(from, to));
    }

    @FieldResolver(() => [MonthlyPartyCount], { description: `Meetings, attendance, reports and service hours per month in this ${label}'s subtree (every month of the period, empty months as 0).` })
    partyTrend(@Root() u: { code: string }, @Ctx() ctx: RequestContext, @Args(() => PeriodArgs) { from, to }: PeriodArgs): Promise<MonthlyPartyCount[]> {
      return PartyStatisticsService.trend(ctx, u.code, statisticsPeriod(from, to));
    }

    @FieldResolver(() => [RankedPartyUnit], { description: `The child units of this ${label} ranked by a party figure, highest first (a building has none: BAD_USER_INPUT).` })
    async partyRanking(
      @Root() u: { code: string },
      @Ctx() ctx: RequestContext,
      @Arg('metric', () => PartyMetric, { defaultValue: PartyMetric.MEMBERS, description: 'The figure to rank by.' }) metric: PartyMetric,
      @Args(() => RankingPageArgs) { first, from, to }: RankingPageArgs,
    ): Promise<RankedPartyUnit[]> {
      assertRankingSize(first);
      const rows = await PartyStatisticsService.ranking(ctx, u.code, metric, statisticsPeriod(from, to), first);
      return rows.map((r) => ({ ...r, unit: { __typename: UNIT_TYPENAMES[tierOfCode(r.code) as Tier], code: r.code } }));
    }
  }
  return UnitPartyStatisticsResolver;
}

export const partyStatisticsResolvers = TIERS.map((tier) => partyStatisticsResolver(UNIT_STUBS[tier], tier.toLowerCase()));
