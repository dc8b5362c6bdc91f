import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsISO8601, IsOptional, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PageArgs, Role } from '@cgp/core';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

@InputType({ description: 'A new appointment at a unit below yours (district STAFF may also appoint at their own district).' })
export class AppointStaffInput {
  @Field(() => String, { description: 'The person’s subject at the identity provider (the `sub` their tokens carry), 1 to 200 characters.' })
  @MinLength(1, { message: 'sub must be the person’s subject at the identity provider' })
  @MaxLength(200, { message: 'sub must be at most 200 characters' })
  @Matches(/^\S+$/, { message: 'sub must not contain spaces' })
  sub: string;

  @Field(() => String, { description: 'The person’s name, 1 to 100 characters.' })
  @MinLength(1, { message: 'personName must be 1 to 100 characters' })
  @MaxLength(100, { message: 'personName must be 1 to 100 characters' })
  @Matches(/\S/, { message: 'personName must not be blank' })
  personName: string;

  @Field(() => String, { description: 'The unit’s code (6 to 18 digits; its length gives the tier).' })
  @Matches(/^\d{6}(\d{3}){0,4}$/, { message: 'unitCode must be a unit code of 6, 9, 12, 15 or 18 digits' })
  unitCode: string;

  @Field(() => [Role], {
    description:
      'The roles, one to three, allowed at the unit’s tier: STAFF, PARTY_SECRETARY or AUDITOR at a district, street or community; GRID_MANAGER, GRID_SUPERVISOR or GRID_CO_MANAGER at a grid; BUILDING_LEADER at a building.',
  })
  @ArrayMinSize(1, { message: 'roles must name at least one role' })
  @ArrayMaxSize(3, { message: 'roles may name at most three roles' })
  @IsIn(Object.values(Role), { each: true })
  roles: Role[];

  @Field(() => String, { nullable: true, description: 'First day (YYYY-MM-DD): from 30 days ago to a year ahead; today when left out.' })
  @IsOptional()
  @Matches(DATE, { message: 'startsOn must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'startsOn must be a date written YYYY-MM-DD' })
  startsOn?: string;
}

@ArgsType()
export class EndAppointmentArgs {
  @Field(() => ID, { description: 'The appointment.' })
  @IsUUID('all', { message: 'id must be an appointment id' })
  id: string;

  @Field(() => String, { nullable: true, description: 'First day without it (YYYY-MM-DD), today or later; today when left out (access stops at once).' })
  @IsOptional()
  @Matches(DATE, { message: 'endsOn must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'endsOn must be a date written YYYY-MM-DD' })
  endsOn?: string;

  @Field(() => String, { nullable: true, description: 'Why, up to 200 characters (e.g. 调任, 退休).' })
  @IsOptional()
  @MaxLength(200, { message: 'reason must be at most 200 characters' })
  reason?: string;
}

@ArgsType()
export class AppointmentsArgs extends PageArgs {
  @Field(() => String, { description: 'A unit in your subtree: its appointments and those of the units below it.' })
  @Matches(/^\d{6}(\d{3}){0,4}$/, { message: 'unitCode must be a unit code of 6, 9, 12, 15 or 18 digits' })
  unitCode: string;

  @Field(() => String, { nullable: true, description: 'Appointments current on this day (YYYY-MM-DD); today when left out.' })
  @IsOptional()
  @Matches(DATE, { message: 'asOf must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'asOf must be a date written YYYY-MM-DD' })
  asOf?: string;

  @Field(() => String, { nullable: true, description: 'Only this person’s (their `sub`).' })
  @IsOptional()
  @MaxLength(200)
  sub?: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Also those that ended or have not started on that day (the unit’s whole history).' })
  history: boolean;
}
