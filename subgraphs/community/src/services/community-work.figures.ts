import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { badInput, childLevel, defineFigures, monthSeriesSql, periodRange, RankedUnit, Tier } from '@cgp/core';
import { mustVisitCtes } from '../residents/must-visit.service';
import { CommunityService } from '../units/community.service';
import { AT_COMMUNITY_OR_ABOVE, CHILD_UNITS, childValues, UNITS_ASKED, unitFiguresParams } from '../units/unit.figures';
import { unitTypes } from '../units/unit.union';

const PER_COMMUNITY = 'null for a grid: kept per community';

@ObjectType({
  description:
    'Community work in a unit’s whole subtree: micro-wishes, livelihood errands, the four must-visits, volunteer service and four-party joint meetings — ' +
    'where they stand now, and what happened in the period asked for (dates in China time).',
})
export class CommunityWorkStatistics {
  @Field(() => Int, { nullable: true, description: `Micro-wishes on the wall now, waiting for someone to claim them (POSTED; ${PER_COMMUNITY}).` }) openWishes:
    number | null;
  @Field(() => Int, { nullable: true, description: `Micro-wishes claimed now, not yet fulfilled (CLAIMED; ${PER_COMMUNITY}).` }) claimedWishes: number | null;
  @Field(() => Int, { nullable: true, description: `Micro-wishes fulfilled now, waiting for the community’s confirmation (FULFILLED; ${PER_COMMUNITY}).` })
  fulfilledWishes: number | null;
  @Field(() => Int, { nullable: true, description: `Micro-wishes confirmed, all time (CONFIRMED; ${PER_COMMUNITY}).` }) confirmedWishes: number | null;
  @Field(() => Int, { nullable: true, description: `Micro-wishes withdrawn, all time (WITHDRAWN; ${PER_COMMUNITY}).` }) withdrawnWishes: number | null;
  @Field(() => Int, { nullable: true, description: `Micro-wishes posted in the period (${PER_COMMUNITY}).` }) wishesPostedInPeriod: number | null;
  @Field(() => Int, { nullable: true, description: `Micro-wishes claimed in the period (${PER_COMMUNITY}).` }) wishesClaimedInPeriod: number | null;
  @Field(() => Int, { nullable: true, description: `Micro-wishes fulfilled in the period (${PER_COMMUNITY}).` }) wishesFulfilledInPeriod: number | null;
  @Field(() => Int, { nullable: true, description: `Micro-wishes confirmed in the period (${PER_COMMUNITY}).` }) wishesConfirmedInPeriod: number | null;
  @Field(() => Int, { description: 'Active livelihood agents (民生代办员) now.' }) livelihoodAgents: number;
  @Field(() => Int, { description: 'Livelihood errands asked for and not yet done, now.' }) openErrands: number;
  @Field(() => Int, { description: 'Livelihood errands asked for in the period.' }) errandsRequestedInPeriod: number;
  @Field(() => Int, { description: 'Livelihood errands done in the period.' }) errandsDoneInPeriod: number;
  @Field(() => Int, {
    description:
      'Must-visits (四必访) whose occasion (festival, family event, admission, 90+ birthday) falls in the period and whose window has opened by today; the same as visitsDue counts for a calendar-year period.',
  })
  mustVisits: number;
  @Field(() => Int, { description: 'Of mustVisits: window open, no visit yet, due date not passed (as of today).' }) mustVisitsDue: number;
  @Field(() => Int, { description: 'Of mustVisits: visited within the window.' }) mustVisitsDone: number;
  @Field(() => Int, { description: 'Of mustVisits: not visited by the due date.' }) mustVisitsLate: number;
  @Field(() => Int, { description: 'Visits to residents made in the period (all kinds, routine visits to key persons included).' }) visitsMadeInPeriod: number;
  @Field(() => Int, { nullable: true, description: `Volunteer teams now (${PER_COMMUNITY}).` }) volunteerTeams: number | null;
  @Field(() => Int, { nullable: true, description: `Members of those teams (${PER_COMMUNITY}).` }) volunteers: number | null;
  @Field(() => Int, { nullable: true, description: `Volunteer service activities held in the period (${PER_COMMUNITY}).` }) volunteerActivitiesInPeriod:
    number | null;
  @Field(() => Int, { nullable: true, description: `Volunteers taking part in them, summed over the activities (${PER_COMMUNITY}).` })
  volunteerParticipantsInPeriod: number | null;
  @Field(() => Int, { nullable: true, description: `Residents who benefited from them, summed over the activities (${PER_COMMUNITY}).` })
  volunteerBeneficiariesInPeriod: number | null;
  @Field(() => Int, { nullable: true, description: `Four-party joint meetings (四方联席会议) held in the period (${PER_COMMUNITY}).` }) jointMeetingsInPeriod:
    number | null;
  @Field(() => Int, { nullable: true, description: `Joint-meeting resolutions still open now (${PER_COMMUNITY}).` }) openResolutions: number | null;
}

@ObjectType({ description: 'Community work in one month: the period-based figures of CommunityWorkStatistics.' })
export class MonthlyCommunityWorkCount {
  @Field(() => String, { description: 'Month, YYYY-MM.' }) month: string;
  @Field(() => Int, { nullable: true, description: `Micro-wishes posted (${PER_COMMUNITY}).` }) wishesPosted: number | null;
  @Field(() => Int, { nullable: true, description: `Micro-wishes claimed (${PER_COMMUNITY}).` }) wishesClaimed: number | null;
  @Field(() => Int, { nullable: true, description: `Micro-wishes fulfilled (${PER_COMMUNITY}).` }) wishesFulfilled: number | null;
  @Field(() => Int, { nullable: true, description: `Micro-wishes confirmed (${PER_COMMUNITY}).` }) wishesConfirmed: number | null;
  @Field(() => Int, { description: 'Livelihood errands asked for.' }) errandsRequested: number;
  @Field(() => Int, { description: 'Livelihood errands done.' }) errandsDone: number;
  @Field(() => Int, { description: 'Must-visits whose occasion falls in the month (window opened by today).' }) mustVisits: number;
  @Field(() => Int, { description: 'Of those, still due (as of today).' }) mustVisitsDue: number;
  @Field(() => Int, { description: 'Of those, done.' }) mustVisitsDone: number;
  @Field(() => Int, { description: 'Of those, late.' }) mustVisitsLate: number;
  @Field(() => Int, { description: 'Visits to residents made.' }) visitsMade: number;
  @Field(() => Int, { nullable: true, description: `Volunteer service activities held (${PER_COMMUNITY}).` }) volunteerActivities: number | null;
  @Field(() => Int, { nullable: true, description: `Volunteers taking part (${PER_COMMUNITY}).` }) volunteerParticipants: number | null;
  @Field(() => Int, { nullable: true, description: `Residents who benefited (${PER_COMMUNITY}).` }) volunteerBeneficiaries: number | null;
  @Field(() => Int, { nullable: true, description: `Joint meetings held (${PER_COMMUNITY}).` }) jointMeetings: number | null;
}

export enum CommunityWorkMetric {
  OPEN_WISHES = 'OPEN_WISHES',
  WISHES_POSTED = 'WISHES_POSTED',
  WISHES_FULFILLED = 'WISHES_FULFILLED',
  OPEN_ERRANDS = 'OPEN_ERRANDS',
  ERRANDS_DONE = 'ERRANDS_DONE',
  MUST_VISITS_DUE = 'MUST_VISITS_DUE',
  MUST_VISITS_DONE = 'MUST_VISITS_DONE',
  MUST_VISITS_LATE = 'MUST_VISITS_LATE',
  VISITS_MADE = 'VISITS_MADE',
  VOLUNTEER_ACTIVITIES = 'VOLUNTEER_ACTIVITIES',
  VOLUNTEER_BENEFICIARIES = 'VOLUNTEER_BENEFICIARIES',
  JOINT_MEETINGS = 'JOINT_MEETINGS',
}
registerEnumType(CommunityWorkMetric, {
  name: 'CommunityWorkMetric',
  description:
    'A community-work figure to rank units by. Wish, volunteer and meeting figures are kept per community (rank a district’s or street’s children by them); errands per grid.',
  valuesConfig: {
    OPEN_WISHES: { description: 'Micro-wishes waiting to be claimed now.' },
    WISHES_POSTED: { description: 'Micro-wishes posted in the period.' },
    WISHES_FULFILLED: { description: 'Micro-wishes fulfilled in the period.' },
    OPEN_ERRANDS: { description: 'Livelihood errands not yet done now.' },
    ERRANDS_DONE: { description: 'Livelihood errands done in the period.' },
    MUST_VISITS_DUE: { description: 'Must-visits of the period still due.' },
    MUST_VISITS_DONE: { description: 'Must-visits of the period done.' },
    MUST_VISITS_LATE: { description: 'Must-visits of the period late.' },
    VISITS_MADE: { description: 'Visits to residents made in the period.' },
    VOLUNTEER_ACTIVITIES: { description: 'Volunteer service activities held in the period.' },
    VOLUNTEER_BENEFICIARIES: { description: 'Residents who benefited from volunteer activities in the period.' },
    JOINT_MEETINGS: { description: 'Joint meetings held in the period.' },
  },
});

/** The statistics column of each metric, and the deepest child level it means something at (3 community, 4 grid, 5 building). */
const METRIC: Record<CommunityWorkMetric, [column: keyof CommunityWorkStatistics, deepest: number]> = {
  OPEN_WISHES: ['openWishes', 3],
  WISHES_POSTED: ['wishesPostedInPeriod', 3],
  WISHES_FULFILLED: ['wishesFulfilledInPeriod', 3],
  OPEN_ERRANDS: ['openErrands', 4],
  ERRANDS_DONE: ['errandsDoneInPeriod', 4],
  MUST_VISITS_DUE: ['mustVisitsDue', 5],
  MUST_VISITS_DONE: ['mustVisitsDone', 5],
  MUST_VISITS_LATE: ['mustVisitsLate', 5],
  VISITS_MADE: ['visitsMadeInPeriod', 5],
  VOLUNTEER_ACTIVITIES: ['volunteerActivitiesInPeriod', 3],
  VOLUNTEER_BENEFICIARIES: ['volunteerBeneficiariesInPeriod', 3],
  JOINT_MEETINGS: ['jointMeetingsInPeriod', 3],
};

@ObjectType({ description: 'A child unit ranked by a community-work figure.' })
export class RankedCommunityWorkUnit extends RankedUnit {
  @Field(() => unitTypes.Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

/** A timestamp's calendar date in China (UTC+8, no daylight saving). */
const chinaDate = (column: string) => `((${column} AT TIME ZONE 'UTC') + interval '8 hours')::date`;
const IN_PERIOD = (day: string) => `${day} >= $4::date AND ${day} < $5::date`;

/** The records under the units' common ancestor ($7) and inside the scope ($3); the join on `path` keeps each unit's own. */
const inside = (a: string) => `${a}.path <@ $7::ltree AND ${a}.path <@ $3::ltree`;

/**
 * SQL of the CTEs `event(path, kind, day, n)` and `tally(path, kind, month, n)` for the records under the units of `units`, with the
 * parameters $3 scope, $4 from, $5 to, $6 today, $7 the units' common path. An event is a record's contribution to a figure: dated ones (in the period) feed
 * the period figures and trends, undated ones (`day` null) the figures now. `tally` sums them per month at each ancestor path
 * at the levels of `units`, so the figures of every unit come from one equality join on `path`.
 */
function eventCtes(withNow: boolean): string {
  const dated = (table: string, alias: string, kind: string, day: string, n = '1', where = 'true') =>
    `SELECT ${alias}.path, '${kind}'::text AS kind, ${day} AS day, ${n} AS n FROM ${table} ${alias} WHERE ${inside(alias)} AND ${where} AND ${IN_PERIOD(day)}`;
  const now = (table: string, alias: string, kind: string, n = '1', where = 'true') =>
    `SELECT ${alias}.path, ${kind} AS kind, NULL::date AS day, ${n} AS n FROM ${table} ${alias} WHERE ${inside(alias)} AND ${where}`;
  const parts = [
    dated('community.wish', 'w', 'wishPosted', chinaDate('w.posted_at')),
    dated('community.wish', 'w', 'wishClaimed', chinaDate('w.claimed_at'), '1', 'w.claimed_at IS NOT NULL'),
    dated('community.wish', 'w', 'wishFulfilled', chinaDate('w.fulfilled_at'), '1', 'w.fulfilled_at IS NOT NULL'),
    dated('community.wish', 'w', 'wishConfirmed', chinaDate('w.confirmed_at'), '1', 'w.confirmed_at IS NOT NULL'),
    dated('community.errand', 'e', 'errandRequested', 'e.requested_on'),
    dated('community.errand', 'e', 'errandDone', 'e.done_on', '1', `e.status = 'DONE'`),
    dated('community.visit', 'v', 'visitMade', 'v.visited_on'),
    dated('community.volunteer_activity', 'a', 'activity', 'a.held_on'),
    dated('community.volunteer_activity', 'a', 'participants', 'a.held_on', 'a.participants'),
    dated('community.volunteer_activity', 'a', 'beneficiaries', 'a.held_on', 'a.beneficiaries'),
    dated('community.joint_meeting', 'm', 'meeting', 'm.held_on'),
    // The must-visits of the period (the `item` CTE), by status, dated by their occasion.
    `SELECT i.path, 'mustVisit:' || i.status, i.occasion_on, 1 FROM item i`,
  ];
  if (withNow) {
    parts.push(
      now('community.wish', 'w', `'wishState:' || w.state`),
      now('community.errand', 'e', `'errandOpen'`, '1', `e.status = 'REQUESTED'`),
      now('community.livelihood_agent', 'l', `'agent'`, '1', 'l.active'),
      now('community.volunteer_team', 't', `'team'`),
      now('community.volunteer_team', 't', `'volunteers'`, 't.members'),
      now('community.meeting_resolution', 'r', `'resolutionOpen'`, '1', `r.status = 'OPEN'`),
    );
  }
  return `${mustVisitCtes(inside, '$4::date', '$5::date', '$6::date')},
  event AS (${parts.join('\n    UNION ALL ')}),
  tally AS MATERIALIZED (
    SELECT subpath(b.path, 0, lv.level) AS path, b.kind, b.month, sum(b.n)::bigint AS n
      FROM (SELECT e.path, e.kind COLLATE "C" AS kind, date_trunc('month', e.day::timestamp) AS month, sum(e.n) AS n FROM event e GROUP BY 1, 2, 3) b
      JOIN (SELECT DISTINCT nlevel(path) AS level FROM units) lv ON lv.level <= nlevel(b.path)
     GROUP BY 1, 2, 3
  )`;
}

const sumOf = (kind: string) => `coalesce(sum(t.n) FILTER (WHERE t.kind = '${kind}'), 0)::int`;
/** A figure kept per community: null for a grid. */
const perCommunity = (kind: string) => `CASE WHEN ${AT_COMMUNITY_OR_ABOVE('u.path')} THEN ${sumOf(kind)} END`;
const MUST_VISITS = `(${sumOf('mustVisit:DUE')} + ${sumOf('mustVisit:DONE')} + ${sumOf('mustVisit:LATE')})`;

/** `figures(code, …)`: the statistics of every unit of `units`, from `tally`. */
const FIGURES = `figures AS (
  SELECT u.code,
         ${perCommunity('wishState:POSTED')} AS "openWishes", ${perCommunity('wishState:CLAIMED')} AS "claimedWishes", ${perCommunity('wishState:FULFILLED')} AS "fulfilledWishes",
         ${perCommunity('wishState:CONFIRMED')} AS "confirmedWishes", ${perCommunity('wishState:WITHDRAWN')} AS "withdrawnWishes",
         ${perCommunity('wishPosted')} AS "wishesPostedInPeriod", ${perCommunity('wishClaimed')} AS "wishesClaimedInPeriod",
         ${perCommunity('wishFulfilled')} AS "wishesFulfilledInPeriod", ${perCommunity('wishConfirmed')} AS "wishesConfirmedInPeriod",
         ${sumOf('agent')} AS "livelihoodAgents", ${sumOf('errandOpen')} AS "openErrands",
         ${sumOf('errandRequested')} AS "errandsRequestedInPeriod", ${sumOf('errandDone')} AS "errandsDoneInPeriod",
         ${MUST_VISITS} AS "mustVisits",
         ${sumOf('mustVisit:DUE')} AS "mustVisitsDue", ${sumOf('mustVisit:DONE')} AS "mustVisitsDone", ${sumOf('mustVisit:LATE')} AS "mustVisitsLate",
         ${sumOf('visitMade')} AS "visitsMadeInPeriod",
         ${perCommunity('team')} AS "volunteerTeams", ${perCommunity('volunteers')} AS volunteers,
         ${perCommunity('activity')} AS "volunteerActivitiesInPeriod", ${perCommunity('participants')} AS "volunteerParticipantsInPeriod",
         ${perCommunity('beneficiaries')} AS "volunteerBeneficiariesInPeriod", ${perCommunity('meeting')} AS "jointMeetingsInPeriod",
         ${perCommunity('resolutionOpen')} AS "openResolutions"
    FROM units u LEFT JOIN tally t ON t.path = u.path
   GROUP BY u.code, u.path)`;

/** Community work is kept on districts, streets, communities and grids (a building has no errands, wishes or meetings of its own). */
const TIERS_WITH_WORK = [Tier.DISTRICT, Tier.STREET, Tier.COMMUNITY, Tier.GRID];

/**
 * The dashboard figures of community work: communityWorkStatistics, communityWorkTrend and communityWorkRanking on districts, streets,
 * communities and grids, over a period of dates ($4 from, $5 to; $6 today, $7 the units' common path).
 */
export const communityWorkFigures = defineFigures<CommunityWorkMetric>({
  name: 'communityWork',
  units: TIERS_WITH_WORK.map((tier) => ({ type: unitTypes.classes[tier], label: tier.toLowerCase() })),
  period: periodRange('date'),
  params: unitFiguresParams,
  statistics: {
    type: CommunityWorkStatistics,
    description: (u) => `Micro-wishes, errands, must-visits, volunteer service and joint meetings in this ${u.label}'s subtree.`,
    sql: `WITH ${UNITS_ASKED}, ${eventCtes(true)}, ${FIGURES} SELECT * FROM figures`,
  },
  trend: {
    type: MonthlyCommunityWorkCount,
    description: (u) => `The period-based community-work figures of this ${u.label}'s subtree per month (months with nothing give zeros).`,
    sql: `WITH ${UNITS_ASKED}, ${eventCtes(false)}
          SELECT u.code, to_char(m.month, 'YYYY-MM') AS month,
                 ${perCommunity('wishPosted')} AS "wishesPosted", ${perCommunity('wishClaimed')} AS "wishesClaimed", ${perCommunity('wishFulfilled')} AS "wishesFulfilled",
                 ${perCommunity('wishConfirmed')} AS "wishesConfirmed", ${sumOf('errandRequested')} AS "errandsRequested", ${sumOf('errandDone')} AS "errandsDone",
                 ${MUST_VISITS} AS "mustVisits",
                 ${sumOf('mustVisit:DUE')} AS "mustVisitsDue", ${sumOf('mustVisit:DONE')} AS "mustVisitsDone", ${sumOf('mustVisit:LATE')} AS "mustVisitsLate",
                 ${sumOf('visitMade')} AS "visitsMade", ${perCommunity('activity')} AS "volunteerActivities", ${perCommunity('participants')} AS "volunteerParticipants",
                 ${perCommunity('beneficiaries')} AS "volunteerBeneficiaries", ${perCommunity('meeting')} AS "jointMeetings"
            FROM units u CROSS JOIN ${monthSeriesSql('$4', '$5')}
            LEFT JOIN tally t ON t.path = u.path AND t.month = m.month
           GROUP BY u.code, u.path, m.month ORDER BY u.code, m.month`,
  },
  ranking: {
    type: RankedCommunityWorkUnit,
    metric: CommunityWorkMetric,
    default: CommunityWorkMetric.MUST_VISITS_LATE,
    description: (u) => `The child units of this ${u.label} ranked by a community-work figure, highest first.`,
    // Children with nothing rank with 0.
    sql: (metric) => `${CHILD_UNITS}, ${eventCtes(true)}, ${FIGURES}, ${childValues(METRIC[metric][0])}`,
    own: { tier: Tier.COMMUNITY, byCode: (ctx, code) => CommunityService.byCode(ctx, code) },
    check(code, metric) {
      const deepest = METRIC[metric][1];
      if (childLevel(code) > deepest) {
        const where =
          deepest === 3
            ? 'per community: rank a district’s or a street’s children by it'
            : 'per grid: rank a district’s, a street’s or a community’s children by it';
        throw badInput(`${metric} is kept ${where} (must-visits and visits can rank any unit’s children)`, 'metric');
      }
    },
  },
});
