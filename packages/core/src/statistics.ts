import { ArgsType, Field, Float, Int, ObjectType } from 'type-graphql';
import { badInput } from './errors';
import { CODE_LENGTH, childTier, TIERS, tierOfCode, Tier } from './tier';

/*
 * Shared pieces of the dashboard statistics every subgraph contributes to the unit types:
 * `<x>Statistics(from, to)`, `<x>Trend(from, to)` (monthly series) and `<x>Ranking(metric, first, from, to)`.
 */

/** A statistics period: `from` inclusive, `to` exclusive, both YYYY-MM-DD. */
export interface StatisticsPeriod {
  from: string;
  to: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY = 86_400_000;

/** True for a real calendar date written YYYY-MM-DD (2025-02-29 is not one). */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Today in China Standard Time, where the platform's units are (YYYY-MM-DD). */
export function chinaToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The period asked for: default the twelve months up to and including today; at most ten years.
 * Bad dates or an empty period → BAD_USER_INPUT naming the argument.
 */
export function statisticsPeriod(from?: string | null, to?: string | null, now = new Date()): StatisticsPeriod {
  for (const [name, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (v != null && !isCalendarDate(v)) throw badInput(`${name} must be a calendar date written YYYY-MM-DD, e.g. 2026-01-01 (got "${v}")`, name);
  }
  const end = to ?? new Date(Date.parse(chinaToday(now)) + DAY).toISOString().slice(0, 10);
  const start = from ?? new Date(Date.parse(end) - 365 * DAY).toISOString().slice(0, 10);
  if (start >= end) throw badInput(`from (${start}) must be earlier than to (${end}, exclusive)`, 'from');
  if (Date.parse(end) - Date.parse(start) > 10 * 366 * DAY) throw badInput('the period may span at most ten years: narrow from and to', 'from');
  return { from: start, to: end };
}

@ArgsType()
export class PeriodArgs {
  @Field(() => String, { nullable: true, description: 'Period start (YYYY-MM-DD, inclusive); default a year before `to`.' })
  from?: string | null;

  @Field(() => String, { nullable: true, description: 'Period end (YYYY-MM-DD, exclusive); default tomorrow (China time), so today counts.' })
  to?: string | null;
}

@ArgsType()
export class RankingPageArgs extends PeriodArgs {
  @Field(() => Int, { defaultValue: 20, description: 'How many child units to return, 1 to 100 (default 20).' })
  first: number;
}

@ArgsType()
export class RankingSizeArgs {
  @Field(() => Int, { defaultValue: 20, description: 'How many child units to return, 1 to 100 (default 20).' })
  first: number;
}

/** Checks `first` of a ranking: 1–100. */
export function assertRankingSize(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput(`first must be between 1 and 100 (got ${first})`, 'first');
}

/** The ltree level (number of labels) of the children of a unit with this code; BAD_USER_INPUT for a building. */
export function childLevel(code: string): number {
  const tier = tierOfCode(code);
  if (!tier) throw badInput(`"${code}" is not a unit code`, 'code');
  if (!childTier(tier)) throw badInput('a building has no child units to rank', 'code');
  return TIERS.indexOf(tier) + 2;
}

/** The tier of a unit's children (for typing ranked rows). */
export function tierOfChildren(code: string): Tier {
  const tier = tierOfCode(code);
  const child = tier && childTier(tier);
  if (!child) throw badInput('a building has no child units to rank', 'code');
  return child;
}

/** Code length of a tier, re-exported for ranking queries that cut codes. */
export const UNIT_CODE_LENGTH = CODE_LENGTH;

/**
 * SQL for the months of a period, as `m(month)` rows (timestamps at each month's start), for
 * `CROSS JOIN`-ing with units in a trend query. `$from` and `$to` are parameter placeholders.
 */
export function monthSeriesSql(fromParam: string, toParam: string): string {
  return `generate_series(date_trunc('month', ${fromParam}::date::timestamp), date_trunc('month', (${toParam}::date - 1)::timestamp), interval '1 month') AS m(month)`;
}

@ObjectType({ description: 'A child unit with its value of the figure ranked by.' })
export class RankedUnit {
  @Field(() => Int, { description: 'Rank, 1 = highest (ties share a rank).' })
  rank: number;

  @Field(() => Float, { description: 'The value of the ranked figure.' })
  value: number;

  @Field(() => String, { description: 'Code of the child unit.' })
  code: string;
}
