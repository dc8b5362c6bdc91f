import { badInput, CallerKind, chinaToday, forbidden, isCalendarDate, Role, type RequestContext } from '@cgp/core';
import { FESTIVAL_COLUMNS, type Festival } from './festival.type';

/** The lunar new year falls between 21 January and 20 February. */
function assertSpringFestivalDate(year: number, date: string): void {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw badInput(`year must be between 2000 and 2100; got ${year}`, 'year');
  if (!isCalendarDate(date)) throw badInput(`date is not a real date: ${date}`, 'date');
  if (date.slice(0, 4) !== String(year)) throw badInput(`date ${date} is not in ${year}`, 'date');
  if (date < `${year}-01-21` || date > `${year}-02-20`) throw badInput(`Spring Festival falls between 21 January and 20 February; ${date} does not`, 'date');
}

/** The festival calendar of the "four must-visits" (a table every unit reads: festivals are the same for all). */
export const FestivalService = {
  list(ctx: RequestContext, fromYear: number | null, toYear: number | null): Promise<Festival[]> {
    return ctx.query<Festival>(
      `SELECT ${FESTIVAL_COLUMNS} FROM community.festival WHERE ($1::int IS NULL OR year >= $1) AND ($2::int IS NULL OR year <= $2) ORDER BY date`,
      [fromYear, toYear],
    );
  },

  /** Sets a year's Spring Festival (district STAFF only), adding the year with its New Year when new; a passed Spring Festival stays as it is. */
  async setSpringFestival(ctx: RequestContext, year: number, date: string): Promise<Festival[]> {
    if (ctx.identity.kind !== CallerKind.DISTRICT || !ctx.identity.roles.includes(Role.STAFF))
      throw forbidden('The festival calendar is kept by district STAFF');
    assertSpringFestivalDate(year, date);
    const [current] = await ctx.query<{ date: string }>(
      `SELECT date::text AS date FROM community.festival WHERE year = $1 AND kind = 'SPRING_FESTIVAL' FOR UPDATE`,
      [year],
    );
    if (current && current.date !== date && current.date <= chinaToday()) {
      throw badInput(`The Spring Festival of ${year} (${current.date}) has passed: its date is history and stays as it is`, 'year');
    }
    await ctx.query(
      `INSERT INTO community.festival (year, kind, date, updated_by, updated_at) VALUES ($1, 'NEW_YEAR', make_date($1, 1, 1), $3, now()), ($1, 'SPRING_FESTIVAL', $2::date, $3, now())
       ON CONFLICT (year, kind) DO UPDATE SET date = EXCLUDED.date, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
       WHERE community.festival.kind = 'SPRING_FESTIVAL' AND community.festival.date <> EXCLUDED.date`,
      [year, date, ctx.identity.sub],
    );
    return ctx.query<Festival>(`SELECT ${FESTIVAL_COLUMNS} FROM community.festival WHERE year = $1 ORDER BY date`, [year]);
  },
};
