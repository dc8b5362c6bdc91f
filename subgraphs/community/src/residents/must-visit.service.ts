import {
  badInput,
  chinaToday,
  forbidden,
  isCalendarDate,
  pageWindow,
  pathOfCode,
  toConnection,
  type ConnectionData,
  type PageArgs,
  type RequestContext,
} from '@cgp/core';
import { MustVisitRule, VisitStatus, type MustVisit, type VisitCounts, type VisitsDue } from './must-visit.type';

/**
 * The "four must-visits" (四必访) of the residents `inside` selects, for the occasions falling in a
 * period, as on a date: the SQL of the common table expressions `res`, `festival`, `occasion` and
 * `item` (to follow a `WITH`), each `item` row carrying the resident's building `path`.
 * `inside(alias)` is the SQL condition on a table alias's `path`; `from` (inclusive), `to`
 * (exclusive) and `asOf` are SQL date expressions. `visitsDue` asks one year of one subtree; the
 * dashboard statistics ask a period for many units at once.
 *
 * - FESTIVAL: residents aged 70 or more on the festival date, and disabled residents, for New Year
 *   and Spring Festival in the period (dates from community.festival); a FESTIVAL visit counts from 30
 *   days before the festival to the festival day (for a festival less than 31 days after the previous
 *   one, from the day after it, so one visit never counts twice).
 * - FAMILY_EVENT: each family event in the period; a FAMILY_EVENT visit counts from the event to 7 days after it.
 * - HOSPITAL_STAY: each admission in the period; a HOSPITAL visit counts from admission to 7 days after it.
 * - BIRTHDAY_OVER_90: every birthday in the period at which someone turns 90 or more (29 February
 *   birthdays fall on 28 February in other years); a BIRTHDAY visit counts from 7 days before the birthday to the birthday.
 *
 * An occasion is listed once its window has opened by asOf. DONE: a visit of the matching kind in the
 * window, on or before asOf; LATE: none, and the due date is before asOf; DUE otherwise.
 */
export function mustVisitCtes(inside: (alias: string) => string, from: string, to: string, asOf: string): string {
  return `
  res AS (
    -- Only those a festival or a 90th birthday can concern: aged 70 by the period's end, or disabled.
    SELECT r.id, r.birth_date, r.key_categories, r.path FROM community.resident r
     WHERE ${inside('r')} AND (r.birth_date <= ((${to}) - interval '70 years')::date OR 'DISABLED' = ANY (r.key_categories))
  ), festival AS MATERIALIZED (
    SELECT kind, date, greatest(date - 30, coalesce(lag(date) OVER (ORDER BY date) + 1, date - 30)) AS window_start, year FROM community.festival
  ), occasion AS (
    SELECT 'FESTIVAL'::text AS rule, r.id AS resident_id, f.kind::text AS festival, f.date AS occasion_on, f.window_start, f.date AS due_by,
           'FESTIVAL'::text AS visit_kind, CASE f.kind WHEN 'NEW_YEAR' THEN 'New Year ' ELSE 'Spring Festival ' END || f.date::text AS reason, f.kind::text AS source, r.path
      FROM festival f JOIN res r ON r.birth_date <= (f.date - interval '70 years')::date OR 'DISABLED' = ANY (r.key_categories)
     WHERE f.date >= ${from} AND f.date < ${to}
    UNION ALL
    SELECT 'FAMILY_EVENT', e.resident_id, NULL, e.happened_on, e.happened_on, e.happened_on + 7, 'FAMILY_EVENT', e.kind || ' on ' || e.happened_on::text, e.id::text, e.path
      FROM community.family_event e
     WHERE ${inside('e')} AND e.happened_on >= ${from} AND e.happened_on < ${to}
    UNION ALL
    SELECT 'HOSPITAL_STAY', s.resident_id, NULL, s.admitted_on, s.admitted_on, s.admitted_on + 7, 'HOSPITAL', 'admitted to hospital on ' || s.admitted_on::text, s.id::text, s.path
      FROM community.hospital_stay s
     WHERE ${inside('s')} AND s.admitted_on >= ${from} AND s.admitted_on < ${to}
    UNION ALL
    SELECT 'BIRTHDAY_OVER_90', r.id, NULL, b.day, b.day - 7, b.day, 'BIRTHDAY',
           'birthday at ' || (b.year - extract(year FROM r.birth_date)::int) || ' on ' || b.day::text, 'BIRTHDAY', r.path
      FROM res r CROSS JOIN LATERAL (
             SELECT y AS year, (r.birth_date + make_interval(years => y - extract(year FROM r.birth_date)::int))::date AS day
               FROM generate_series(extract(year FROM ${from})::int, extract(year FROM (${to}) - 1)::int) AS y
           ) b
     WHERE b.year - extract(year FROM r.birth_date)::int >= 90 AND b.day >= ${from} AND b.day < ${to}
  ), item AS (
    SELECT o.rule, o.resident_id::text AS "residentId", o.festival, o.occasion_on::text AS "occasionOn", o.window_start::text AS "windowStart",
           o.due_by::text AS "dueBy", o.reason, v.id::text AS "visitId", o.path::text AS "residentPath",
           CASE WHEN v.id IS NOT NULL THEN 'DONE' WHEN o.due_by < ${asOf} THEN 'LATE' ELSE 'DUE' END AS status,
           o.due_by::text || '|' || o.rule || '|' || o.source || '|' || o.resident_id::text AS key, o.occasion_on, o.path
      FROM occasion o
      LEFT JOIN LATERAL (
        SELECT v.id FROM community.visit v
         WHERE v.resident_id = o.resident_id AND v.kind = o.visit_kind AND v.visited_on BETWEEN o.window_start AND least(o.due_by, ${asOf})
         ORDER BY v.visited_on, v.id LIMIT 1
      ) v ON true
     WHERE o.window_start <= ${asOf}
  )`;
}

/** One year of one subtree: $1 the unit's path, $2 the year, $3 the asOf date. */
const ITEMS = `WITH ${mustVisitCtes((a) => `${a}.path <@ $1::ltree`, 'make_date($2, 1, 1)', 'make_date($2 + 1, 1, 1)', '$3::date')}`;

export interface MustVisitFilter {
  status?: VisitStatus | null;
  rule?: MustVisitRule | null;
}

/** The four must-visits: who must be visited in a subtree, why, by when, and whether it was done. */
export const MustVisitService = {
  async due(ctx: RequestContext, unitCode: string, year: number, asOf: string | null | undefined): Promise<VisitsDue> {
    const path = pathOfCode(unitCode);
    const scope = ctx.scope;
    if (path !== scope && !path.startsWith(`${scope}.`)) throw forbidden();
    const date = asOf ?? chinaToday();
    if (!isCalendarDate(date)) throw badInput(`asOf is not a date: ${date}`, 'asOf');
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw badInput(`year must be between 2000 and 2100; got ${year}`, 'year');
    const [{ n }] = await ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM community.festival WHERE year = $1`, [year]);
    if (n < 2) throw badInput(`The festival calendar has no Spring Festival date for ${year}: district staff add it with setSpringFestival`, 'year');
    return { unitCode, year, asOf: date, path };
  },

  async counts(ctx: RequestContext, due: VisitsDue): Promise<VisitCounts> {
    const rows = await ctx.query<{ status: VisitStatus; n: number }>(`${ITEMS} SELECT status, count(*)::int AS n FROM item GROUP BY status`, [
      due.path,
      due.year,
      due.asOf,
    ]);
    const of = (s: VisitStatus) => rows.find((r) => r.status === s)?.n ?? 0;
    return { due: of(VisitStatus.DUE), done: of(VisitStatus.DONE), late: of(VisitStatus.LATE), total: rows.reduce((sum, r) => sum + r.n, 0) };
  },

  async items(ctx: RequestContext, due: VisitsDue, filter: MustVisitFilter, args: PageArgs): Promise<ConnectionData<MustVisit>> {
    const window = pageWindow(args);
    const where = `($4::text IS NULL OR status = $4) AND ($5::text IS NULL OR rule = $5)`;
    const params = [due.path, due.year, due.asOf, filter.status ?? null, filter.rule ?? null];
    const [rows, [{ n }]] = await Promise.all([
      ctx.query<MustVisit>(
        `${ITEMS} SELECT rule, "residentId", festival, "occasionOn", "windowStart", "dueBy", reason, "visitId", "residentPath", status, key FROM item WHERE ${where} AND ($6::text IS NULL OR key > $6) ORDER BY key LIMIT $7`,
        [...params, window.after, window.limit + 1],
      ),
      ctx.query<{ n: number }>(`${ITEMS} SELECT count(*)::int AS n FROM item WHERE ${where}`, params),
    ]);
    return toConnection(rows, window, n, (r) => r.key);
  },
};
