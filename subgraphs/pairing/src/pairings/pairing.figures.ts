import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  CallerKind,
  chinaToday,
  defineFigures,
  forbidden,
  monthSeriesSql,
  periodRange,
  RankedUnit,
  Tier,
  type FiguresPeriod,
  type StatisticsPeriod,
} from '@cgp/core';
import { PartnerActivityKind, PartnerActivityKindCount } from '../activities/activity.type';
import { pairedCommunityFigures } from './pairing.rules';
import { unitTypes } from './unit.union';

/*
 * The pairing subgraph's part of the dashboard statistics (prefix `pairing`): pairings running now, the
 * social organisations and caring enterprises paired, and the partners' activities in a period with the
 * volunteers they sent and the people they served. Pairings attach to communities, so the figures sit on
 * District, Street and Community (rankings on District and Street), declared once with defineFigures.
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

@ObjectType({ description: 'A child unit ranked by a pairing figure.' })
export class RankedPairingUnit extends RankedUnit {
  @Field(() => unitTypes.Unit, { description: 'The child unit.' }) unit: { __typename: string; code: string };
}

/** The period asked for, and today (China time): what "running now" means. */
type Period = StatisticsPeriod & { today: string };

/** from ($4) to ($5) like every period, and today ($6). */
const range = periodRange('date');
const periodAndToday: FiguresPeriod<Period> = {
  ...range,
  parse: (args) => ({ ...range.parse(args), today: chinaToday() }),
  key: (p) => `${p.from}:${p.to}:${p.today}`,
  params: (p) => [p.from, p.to, p.today],
  typed: ([from, to, today]) => `${from}::date < ${to}::date AND ${today}::date IS NOT NULL`,
};

/** Every kind, in the enum's order: the statistics list them all. */
const KINDS = `ARRAY[${Object.values(PartnerActivityKind)
  .map((k) => `'${k}'`)
  .join(', ')}]::text[]`;

/**
 * The rows (alias `x`) the caller counts: staff everything in their subtree ($3), a partner ($3 null)
 * its own organisation's (the transaction's cgp.partner_org, as row-level security reads it).
 */
const COUNTED = (x: string) =>
  `CASE WHEN $3::ltree IS NULL THEN (${x}.social_organisation_id::text = current_setting('cgp.partner_org', true) OR ${x}.enterprise_id::text = current_setting('cgp.partner_org', true))
        ELSE ${x}.path <@ $3::ltree END`;

const RUNS_ON = (alias: string, day: string) => `(${alias}.started_on <= ${day}::date AND (${alias}.ended_on IS NULL OR ${alias}.ended_on > ${day}::date))`;
const HELD_IN_PERIOD = `a.held_on >= $4::date AND a.held_on < $5::date`;

/** The dashboard figures of pairings and partners' activities: pairingStatistics, pairingTrend and pairingRanking. */
export const pairingFigures = defineFigures<PairingMetric, Period, StatisticsPeriod>({
  name: 'pairing',
  units: [
    { type: unitTypes.classes[Tier.DISTRICT], label: 'district' },
    { type: unitTypes.classes[Tier.STREET], label: 'street office' },
    // Partners read the figures of their own paired communities (their own pairings and activities there).
    { type: unitTypes.classes[Tier.COMMUNITY], label: 'community', fields: ['statistics', 'trend'], rule: pairedCommunityFigures },
  ],
  period: periodAndToday,
  scope(ctx) {
    if (ctx.identity.unitPath) return ctx.identity.unitPath;
    if (ctx.identity.kind === CallerKind.PARTNER && ctx.identity.org) return null;
    throw forbidden();
  },
  statistics: {
    type: PairingStatistics,
    description: (u) =>
      `Pairings and partners’ activities in this ${u.label}'s subtree: pairings now, activities in the period. A partner may read those of its own paired communities (its own figures there).`,
    sql: `SELECT u.code, pp.*, aa.*
            FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
            CROSS JOIN LATERAL (
              SELECT count(*) FILTER (WHERE ${RUNS_ON('x', '$6')})::int AS "activePairings",
                     count(DISTINCT x.social_organisation_id) FILTER (WHERE ${RUNS_ON('x', '$6')})::int AS "socialOrganisations",
                     count(DISTINCT x.enterprise_id) FILTER (WHERE ${RUNS_ON('x', '$6')})::int AS enterprises,
                     count(DISTINCT x.community_code) FILTER (WHERE ${RUNS_ON('x', '$6')})::int AS "pairedCommunities",
                     count(*) FILTER (WHERE x.started_on >= $4::date AND x.started_on < $5::date)::int AS "pairingsStarted",
                     count(*) FILTER (WHERE x.ended_on >= $4::date AND x.ended_on < $5::date)::int AS "pairingsEnded"
                FROM pairing.pairing x WHERE x.path <@ u.path AND ${COUNTED('x')}) pp
            CROSS JOIN LATERAL (
              SELECT count(*)::int AS activities, coalesce(sum(a.volunteers), 0)::int AS volunteers, coalesce(sum(a.beneficiaries), 0)::int AS beneficiaries,
                     (SELECT jsonb_agg(jsonb_build_object('kind', k.kind, 'activities', coalesce(n.n, 0)) ORDER BY k.i)
                        FROM unnest(${KINDS}) WITH ORDINALITY AS k(kind, i)
                        LEFT JOIN (SELECT a.kind, count(*)::int AS n FROM pairing.service_activity a
                                    WHERE a.path <@ u.path AND ${COUNTED('a')} AND ${HELD_IN_PERIOD} GROUP BY a.kind) n ON n.kind = k.kind) AS "activitiesByKind"
                FROM pairing.service_activity a WHERE a.path <@ u.path AND ${COUNTED('a')} AND ${HELD_IN_PERIOD}) aa`,
  },
  trend: {
    type: MonthlyPairingCount,
    // from ($4) to ($5): the months need no today.
    period: range,
    description: (u) =>
      `Partners’ activities, volunteers, people served and pairings started per month in this ${u.label}'s subtree (every month of the period, empty months as 0).`,
    sql: `WITH u AS (SELECT * FROM unnest($1::text[], $2::ltree[]) AS u(code, path)),
               acts AS (
                 SELECT u.code, date_trunc('month', a.held_on::timestamp) AS month, count(*)::int AS n,
                        sum(a.volunteers)::int AS volunteers, sum(a.beneficiaries)::int AS beneficiaries
                   FROM u JOIN pairing.service_activity a ON a.path <@ u.path AND ${COUNTED('a')} AND ${HELD_IN_PERIOD} GROUP BY 1, 2),
               started AS (
                 SELECT u.code, date_trunc('month', x.started_on::timestamp) AS month, count(*)::int AS n
                   FROM u JOIN pairing.pairing x ON x.path <@ u.path AND ${COUNTED('x')} AND x.started_on >= $4::date AND x.started_on < $5::date GROUP BY 1, 2)
          SELECT u.code, to_char(m.month, 'YYYY-MM') AS month, coalesce(a.n, 0) AS activities, coalesce(a.volunteers, 0) AS volunteers,
                 coalesce(a.beneficiaries, 0) AS beneficiaries, coalesce(s.n, 0) AS "pairingsStarted"
            FROM u CROSS JOIN ${monthSeriesSql('$4', '$5')}
            LEFT JOIN acts a ON a.code = u.code AND a.month = m.month
            LEFT JOIN started s ON s.code = u.code AND s.month = m.month
           ORDER BY u.code, m.month`,
  },
  /* The children are those with a pairing (staff only: $3 is the caller's subtree). */
  ranking: {
    type: RankedPairingUnit,
    metric: PairingMetric,
    default: PairingMetric.ACTIVITIES,
    description: (u) => `The child units of this ${u.label} ranked by a pairing figure, highest first (staff only).`,
    sql: (metric) => {
      const activities = (figure: string) =>
        `(SELECT ${figure} FROM pairing.service_activity a WHERE a.path <@ ch.path AND a.path <@ $3::ltree AND ${HELD_IN_PERIOD})`;
      const value = {
        ACTIVITIES: activities('count(*)'),
        BENEFICIARIES: activities('coalesce(sum(a.beneficiaries), 0)'),
        VOLUNTEERS: activities('coalesce(sum(a.volunteers), 0)'),
        PAIRINGS: `(SELECT count(*) FROM pairing.pairing x WHERE x.path <@ ch.path AND x.path <@ $3::ltree AND ${RUNS_ON('x', '$6')})`,
      }[metric];
      return `
        children AS (
          SELECT DISTINCT u.code AS parent, subpath(x.path, 0, u.level) AS path
            FROM u JOIN pairing.pairing x ON x.path <@ u.path AND nlevel(x.path) >= u.level AND x.path <@ $3::ltree),
        valued AS (SELECT ch.parent, subpath(ch.path, -1)::text AS code, ${value}::float8 AS value FROM children ch)`;
    },
  },
});
