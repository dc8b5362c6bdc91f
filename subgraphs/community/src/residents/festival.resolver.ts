import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { rules, type Permissions, type RequestContext } from '@cgp/core';
import { DateScalar } from './date.scalar';
import { FestivalService } from './festival.service';
import { Festival } from './festival.type';

/** The festival calendar (data, not code): read by any unit staff, kept by district staff. */
@Resolver(() => Festival)
export class FestivalResolver {
  @Query(() => [Festival], { description: 'The festival calendar of the "four must-visits": New Year and Spring Festival per year, by date (unit staff).' })
  festivals(
    @Ctx() ctx: RequestContext,
    @Arg('fromYear', () => Int, { nullable: true, description: 'First year listed; default: all.' }) fromYear?: number | null,
    @Arg('toYear', () => Int, { nullable: true, description: 'Last year listed; default: all.' }) toYear?: number | null,
  ): Promise<Festival[]> {
    return FestivalService.list(ctx, fromYear ?? null, toYear ?? null);
  }

  @Mutation(() => [Festival], {
    description:
      'Sets the Spring Festival (春节) date of a year, adding the year (with New Year on 1 January) to the calendar when it is new (district STAFF). ' +
      'The date must lie between 21 January and 20 February of that year; a Spring Festival that has already passed is history and cannot be changed. Returns the year’s two festivals.',
  })
  setSpringFestival(
    @Arg('year', () => Int, { description: 'The year, 2000 to 2100.' }) year: number,
    @Arg('date', () => DateScalar, { description: 'Its Spring Festival date, YYYY-MM-DD.' }) date: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Festival[]> {
    return FestivalService.setSpringFestival(ctx, year, date);
  }
}

export const festivalPermissions: Permissions = {
  Query: { festivals: rules.unitStaff },
  // District STAFF only; the service checks the tier and role.
  Mutation: { setSpringFestival: rules.unitStaff },
  Festival: { '*': rules.allow },
};
