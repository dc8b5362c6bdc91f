import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { defineFigures, monthSeriesSql, periodRange, RankedUnit, rules, TIERS, type Permissions } from '@cgp/core';
import { PartyOrganisationKind } from '../organisations/party-organisation.type';
import { unitTypes } from '../organisations/unit.union';

/*
 * The party's part of the dashboard statistics (prefix `party`): members by kind, organisations by kind,
 * "three meetings and one lesson" held in a period with attendance, in-service members' reports and
 * service hours, on every unit type, declared once with defineFigures.
 */

@ObjectType({ description: 'How many party organisations of one kind.' })
export class PartyOrganisationKindCount {
  @Field(() => PartyOrganisationKind, { description: 'The kind (level) of organisation.' }) kind: PartyOrganisationKind;
  @Field(() => Int, { description: 'Organisations of that kind.' }) organisations: number;
}

@ObjectType({
  description: 'Party figures of a unit’s whole subtree: members and organisations now, and the meetings, reports and service hours of the period asked for.',
})
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
  @Field(() => Float, {
    nullable: true,
    description: 'Present / listed over the period’s meetings, 0 to 1 (4 decimals); null when no attendance was recorded.',
  })
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
  @Field(() => unitTypes.Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

/* The rows of a unit's subtree (`unitPath`) inside the caller's scope ($3); the period is $4 (inclusive) to $5 (exclusive), dates. */
const KINDS = Object.values(PartyOrganisationKind);
const UNDER = (x: string, unitPath: string) => `${x}.path <@ ${unitPath} AND ${x}.path <@ $3::ltree`;
/** Present / listed, 0 to 1 with 4 decimals; null when nobody was listed. */
const RATE = (present: string, listed: string) => `round(${present}::numeric / nullif(${listed}, 0), 4)::float8`;
/** The day (China time) a report (aliased `r`) was decided, for counting acceptances by date. */
const DECIDED_ON = `(r.decided_at AT TIME ZONE 'Asia/Shanghai')::date`;
/** Reports (aliased `r`) recorded (by reported_on) and accepted (by the China day decided) in the period. */
const REPORTED_IN_PERIOD = `r.reported_on >= $4::date AND r.reported_on < $5::date`;
const ACCEPTED_IN_PERIOD = `r.status = 'ACCEPTED' AND ${DECIDED_ON} >= $4::date AND ${DECIDED_ON} < $5::date`;
/** Service logs (aliased `l`) by the day served, and meetings (aliased `mt`) by the day held, in the period. */
const SERVED_IN_PERIOD = `l.served_on >= $4::date AND l.served_on < $5::date`;
const HELD_IN_PERIOD = `mt.held_on >= $4::date AND mt.held_on < $5::date`;
const MEETING_KINDS = [
  ['branchMembersMeetings', 'BRANCH_MEMBERS_MEETING'],
  ['branchCommitteeMeetings', 'BRANCH_COMMITTEE_MEETING'],
  ['groupMeetings', 'GROUP_MEETING'],
  ['partyLessons', 'PARTY_LESSON'],
] as const;
/**
 * The attendance rows (aliased `a`) of a unit's subtree with their meetings (aliased `mt`) held in the
 * period. The attendance is read in one pass (`OFFSET 0` keeps the subquery apart): joined directly, the
 * planner probes the attendance table once per meeting and ANDs in its path index (the row-level-security
 * predicate) on every probe — seconds for a district instead of milliseconds.
 */
const ATTENDANCE_UNDER = (unitPath: string) => `(SELECT a.meeting_id, a.present FROM party.meeting_attendance a WHERE ${UNDER('a', unitPath)} OFFSET 0) a
  JOIN party.organisation_meeting mt ON mt.id = a.meeting_id AND mt.path <@ $3::ltree AND ${HELD_IN_PERIOD}`;

/** Per month (a timestamp at the month's start) of a day. */
const MONTH = (day: string) => `date_trunc('month', (${day})::timestamp)`;

/** A child's (`ch.path`) value of each ranking metric. */
const RANKED: Record<PartyMetric, string> = {
  MEMBERS: `(SELECT count(*) FROM party.party_member m WHERE ${UNDER('m', 'ch.path')})`,
  IN_SERVICE_MEMBERS: `(SELECT count(*) FROM party.party_member m WHERE ${UNDER('m', 'ch.path')} AND m.kind = 'IN_SERVICE')`,
  IN_SERVICE_REPORTED: `(SELECT count(*) FROM party.service_report r WHERE ${UNDER('r', 'ch.path')} AND ${REPORTED_IN_PERIOD})`,
  IN_SERVICE_ACCEPTED: `(SELECT count(*) FROM party.service_report r WHERE ${UNDER('r', 'ch.path')} AND ${ACCEPTED_IN_PERIOD})`,
  MEETINGS: `(SELECT count(*) FROM party.organisation_meeting mt WHERE ${UNDER('mt', 'ch.path')} AND ${HELD_IN_PERIOD})`,
  ATTENDANCE_RATE: `(SELECT ${RATE('count(*) FILTER (WHERE a.present)', 'count(*)')} FROM ${ATTENDANCE_UNDER('ch.path')})`,
  SERVICE_HOURS: `(SELECT sum(l.hours) FROM party.service_log l WHERE ${UNDER('l', 'ch.path')} AND ${SERVED_IN_PERIOD})`,
};

/** The dashboard figures of party organisations, members and party life: partyStatistics, partyTrend and partyRanking on every unit type. */
export const partyFigures = defineFigures<PartyMetric>({
  name: 'party',
  units: TIERS.map((tier) => ({ type: unitTypes.classes[tier], label: tier.toLowerCase() })),
  period: periodRange('date'),
  statistics: {
    type: PartyStatistics,
    description: (u) => `Party figures of this ${u.label}'s subtree: members and organisations now, meetings, reports and service hours in the period.`,
    sql: `SELECT u.code, mm.*, oo.*, rr.*, hh.*, mt.*, ${RATE('aa.present', 'aa.listed')} AS "attendanceRate"
            FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
            CROSS JOIN LATERAL (
              SELECT count(*)::int AS members,
                     count(*) FILTER (WHERE m.kind = 'RESIDENT')::int AS "residentMembers",
                     count(*) FILTER (WHERE m.kind = 'IN_SERVICE')::int AS "inServiceMembers",
                     count(*) FILTER (WHERE m.kind = 'FLOATING')::int AS "floatingMembers"
                FROM party.party_member m WHERE ${UNDER('m', 'u.path')}) mm
            CROSS JOIN LATERAL (
              SELECT count(*)::int AS organisations,
                     jsonb_build_array(${KINDS.map((k) => `jsonb_build_object('kind', '${k}', 'organisations', count(*) FILTER (WHERE o.kind = '${k}'))`).join(', ')}) AS "organisationsByKind",
                     count(*) FILTER (WHERE o.kind = 'BRANCH' AND o.category = 'FUNCTIONAL')::int AS "functionalBranches",
                     count(*) FILTER (WHERE o.kind = 'BRANCH' AND o.category = 'COMBINED')::int AS "combinedBranches"
                FROM party.party_organisation o WHERE ${UNDER('o', 'u.path')}) oo
            CROSS JOIN LATERAL (
              SELECT count(*) FILTER (WHERE r.status = 'REPORTED')::int AS "inServiceWaiting",
                     count(*) FILTER (WHERE r.status = 'ACCEPTED')::int AS "inServiceServing",
                     count(*) FILTER (WHERE ${REPORTED_IN_PERIOD})::int AS "inServiceReported",
                     count(*) FILTER (WHERE ${ACCEPTED_IN_PERIOD})::int AS "inServiceAccepted"
                FROM party.service_report r WHERE ${UNDER('r', 'u.path')}) rr
            CROSS JOIN LATERAL (
              SELECT coalesce(sum(l.hours), 0)::float8 AS "serviceHours" FROM party.service_log l WHERE ${UNDER('l', 'u.path')} AND ${SERVED_IN_PERIOD}) hh
            CROSS JOIN LATERAL (
              SELECT count(*)::int AS "meetingsHeld", ${MEETING_KINDS.map(([name, kind]) => `count(*) FILTER (WHERE mt.kind = '${kind}')::int AS "${name}"`).join(', ')}
                FROM party.organisation_meeting mt WHERE ${UNDER('mt', 'u.path')} AND ${HELD_IN_PERIOD}) mt
            CROSS JOIN LATERAL (
              SELECT count(*) FILTER (WHERE a.present)::int AS present, count(*)::int AS listed FROM ${ATTENDANCE_UNDER('u.path')}) aa`,
  },
  trend: {
    type: MonthlyPartyCount,
    description: (u) =>
      `Meetings, attendance, reports and service hours per month in this ${u.label}'s subtree (every month of the period, empty months as 0).`,
    sql: `WITH u AS (SELECT * FROM unnest($1::text[], $2::ltree[]) AS u(code, path)),
               meetings AS (
                 SELECT u.code, ${MONTH('mt.held_on')} AS month, count(*)::int AS n
                   FROM u JOIN party.organisation_meeting mt ON ${UNDER('mt', 'u.path')} AND ${HELD_IN_PERIOD} GROUP BY 1, 2),
               attendance AS (
                 SELECT u.code, ${MONTH('x.held_on')} AS month, count(*) FILTER (WHERE x.present)::int AS present, count(*)::int AS listed
                   FROM u CROSS JOIN LATERAL (SELECT a.present, mt.held_on FROM ${ATTENDANCE_UNDER('u.path')}) x GROUP BY 1, 2),
               reported AS (
                 SELECT u.code, ${MONTH('r.reported_on')} AS month, count(*)::int AS n
                   FROM u JOIN party.service_report r ON ${UNDER('r', 'u.path')} AND ${REPORTED_IN_PERIOD} GROUP BY 1, 2),
               accepted AS (
                 SELECT u.code, ${MONTH(DECIDED_ON)} AS month, count(*)::int AS n
                   FROM u JOIN party.service_report r ON ${UNDER('r', 'u.path')} AND ${ACCEPTED_IN_PERIOD} GROUP BY 1, 2),
               hours AS (
                 SELECT u.code, ${MONTH('l.served_on')} AS month, sum(l.hours)::float8 AS n
                   FROM u JOIN party.service_log l ON ${UNDER('l', 'u.path')} AND ${SERVED_IN_PERIOD} GROUP BY 1, 2)
          SELECT u.code, to_char(m.month, 'YYYY-MM') AS month, coalesce(mt.n, 0) AS "meetingsHeld", ${RATE('a.present', 'a.listed')} AS "attendanceRate",
                 coalesce(rp.n, 0) AS "inServiceReported", coalesce(ac.n, 0) AS "inServiceAccepted", coalesce(h.n, 0)::float8 AS "serviceHours"
            FROM u CROSS JOIN ${monthSeriesSql('$4', '$5')}
            LEFT JOIN meetings mt ON mt.code = u.code AND mt.month = m.month
            LEFT JOIN attendance a ON a.code = u.code AND a.month = m.month
            LEFT JOIN reported rp ON rp.code = u.code AND rp.month = m.month
            LEFT JOIN accepted ac ON ac.code = u.code AND ac.month = m.month
            LEFT JOIN hours h ON h.code = u.code AND h.month = m.month
           ORDER BY u.code, m.month`,
  },
  /* The children are the units below with a party organisation (the others would rank last with 0). */
  ranking: {
    type: RankedPartyUnit,
    metric: PartyMetric,
    default: PartyMetric.MEMBERS,
    description: (u) => `The child units of this ${u.label} ranked by a party figure, highest first (a building has none: BAD_USER_INPUT).`,
    sql: (metric) => `
      children AS (
        SELECT DISTINCT u.code AS parent, subpath(o.path, 0, u.level) AS path
          FROM u JOIN party.party_organisation o ON ${UNDER('o', 'u.path')} AND nlevel(o.path) >= u.level),
      valued AS (SELECT ch.parent, subpath(ch.path, -1)::text AS code, coalesce(${RANKED[metric]}, 0)::float8 AS value FROM children ch)`,
  },
});

/** The organisations by kind in partyStatistics: open to whoever may read the statistics. */
export const partyFiguresPermissions: Permissions = {
  PartyOrganisationKindCount: { '*': rules.allow },
};
