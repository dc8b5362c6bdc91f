import { Arg, Ctx, Field, GraphQLISODateTime, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { badInput, CallerKind, chinaToday, forbidden, isCalendarDate, Role, type RequestContext } from '@cgp/core';
import { DateScalar } from './date.scalar';
import { FestivalKind } from './resident.entity';

@ObjectType({ description: 'A festival of the "four must-visits" calendar: the elderly and the disabled are visited in the days before it.' })
export class Festival {
  @Field(() => Int, { description: 'The year.' }) year: number;
  @Field(() => FestivalKind, { description: 'New Year or Spring Festival.' }) kind: FestivalKind;
  @Field(() => DateScalar, { description: 'Its date that year.' }) date: string;
  @Field(() => String, { nullable: true, description: 'Who last set the date (token subject); null for dates loaded with the platform.' }) updatedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the date was last set; null for dates loaded with the platform.' }) updatedAt: Date | null;
}

const COLUMNS = `year, kind, date::text AS date, updated_by AS "updatedBy", updated_at AS "updatedAt"`;

/** The lunar new year falls between 21 January and 20 February. */
function assertSpringFestivalDate(year: number, date: string): void {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw badInput(`year must be between 2000 and 2100; got ${year}`, 'year');
  if (!isCalendarDate(date)) throw badInput(`date is not a real date: ${date}`, 'date');
  if (date.slice(0, 4) !== String(year)) throw badInput(`date ${date} is not in ${year}`, 'date');
  if (date < `${year}-01-21` || date > `${year}-02-20`) throw badInput(`Spring Festival falls between 21 January and 20 February; ${date} does not`, 'date');
}

/** The festival calendar (data, not code): read by any unit staff, kept by district staff. */
@Resolver(() => Festival)
export class FestivalResolver {
  @Query(() => [Festival], { description: 'The festival calendar of the "four must-visits": New Year and Spring Festival per year, by date (unit staff).' })
  festivals(
    @Ctx() ctx: RequestContext,
    @Arg('fromYear', () => Int, { nullable: true, description: 'First year listed; default: all.' }) fromYear?: number | null,
    @Arg('toYear', () => Int, { nullable: true, description: 'Last year listed; default: all.' }) toYear?: number | null,
  ): Promise<Festival[]> {
    return ctx.query<Festival>(
      `SELECT ${COLUMNS} FROM community.festival WHERE ($1::int IS NULL OR year >= $1) AND ($2::int IS NULL OR year <= $2) ORDER BY date`,
      [fromYear ?? null, toYear ?? null],
    );
  }

  @Mutation(() => [Festival], {
    description:
      'Sets the Spring Festival (春节) date of a year, adding the year (with New Year on 1 January) to the calendar when it is new (district STAFF). ' +
      'The date must lie between 21 January and 20 February of that year; a Spring Festival that has already passed is history and cannot be changed. Returns the year’s two festivals.',
  })
  async setSpringFestival(
    @Arg('year', () => Int, { description: 'The year, 2000 to 2100.' }) year: number,
    @Arg('date', () => DateScalar, { description: 'Its Spring Festival date, YYYY-MM-DD.' }) date: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Festival[]> {
    if (ctx.identity.kind !== CallerKind.DISTRICT || !ctx.identity.roles.includes(Role.STAFF)) throw forbidden('The festival calendar is kept by district STAFF');
    assertSpringFestivalDate(year, date);
    const [current] = await ctx.query<{ date: string }>(`SELECT date::text AS date FROM community.festival WHERE year = $1 AND kind = 'SPRING_FESTIVAL' FOR UPDATE`, [year]);
    if (current && current.date !== date && current.date <= chinaToday()) {
      throw badInput(`The Spring Festival of ${year} (${current.date}) has passed: its date is history and stays as it is`, 'year');
    }
    await ctx.query(
      `INSERT INTO community.festival (year, kind, date, updated_by, updated_at) VALUES ($1, 'NEW_YEAR', make_date($1, 1, 1), $3, now()), ($1, 'SPRING_FESTIVAL', $2::date, $3, now())
       ON CONFLICT (year, kind) DO UPDATE SET date = EXCLUDED.date, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
       WHERE community.festival.kind = 'SPRING_FESTIVAL' AND community.festival.date <> EXCLUDED.date`,
      [year, date, ctx.identity.sub],
    );
    return ctx.query<Festival>(`SELECT ${COLUMNS} FROM community.festival WHERE year = $1 ORDER BY date`, [year]);
  }
}
