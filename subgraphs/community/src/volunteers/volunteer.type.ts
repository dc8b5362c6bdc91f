import { Field, Float, ID, InputType, ObjectType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsOptional, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

@ObjectType({
  description:
    'An individual volunteer of a community: a resident or a party member, in a team or not, with the hours served and the points earned under the district’s rules.',
})
export class Volunteer {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => String, { description: 'RESIDENT or PARTY_MEMBER.' }) kind: string;
  @Field(() => String, { description: 'Registered on (YYYY-MM-DD).' }) joinedOn: string;
  @Field(() => String, { description: 'Code of the community.' }) communityCode: string;
  @Field(() => Float, { description: 'Hours served, all activities.' }) hours: number;
  @Field(() => Float, { description: 'Points earned (each entry’s points are computed by the rule in force on the activity’s day and kept).' }) points: number;
  /** Personal data, resolved masked or audited. */
  name: string;
  phone: string | null;
  teamId: string | null;
  path: string;
}

@ObjectType({ description: 'Hours a volunteer served at one activity, and the points they earned for it.' })
export class VolunteerHoursEntry {
  @Field(() => ID, { description: 'The activity.' }) activityId: string;
  @Field(() => String, { description: 'Its day (YYYY-MM-DD).' }) heldOn: string;
  @Field(() => String, { description: 'Its kind of service.' }) activityKind: string;
  @Field(() => Float, { description: 'Hours served.' }) hours: number;
  @Field(() => Float, { description: 'Points earned.' }) points: number;
  @Field(() => ID, { description: 'The volunteer.' }) volunteerId: string;
}

@ObjectType({ description: 'A district’s rule for volunteer points (积分): points per hour and per activity, for one kind of service or all, from a day.' })
export class PointsRule {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => String, { description: 'The district.' }) districtCode: string;
  @Field(() => String, {
    nullable: true,
    description: 'The kind of service it applies to (as activities name it, e.g. 义诊), or null for every kind without a rule of its own.',
  })
  activityKind: string | null;
  @Field(() => Float, { description: 'Points per hour served.' }) pointsPerHour: number;
  @Field(() => Float, { description: 'Points per activity taken part in.' }) pointsPerActivity: number;
  @Field(() => String, { description: 'First day it applies (YYYY-MM-DD); it applies until a later rule for the same kind.' }) effectiveFrom: string;
}

@InputType({ description: 'A new volunteer: a resident of the community or a party member.' })
export class RegisterVolunteerInput {
  @Field(() => String, { description: '12-digit community code (yours).' })
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit community code' })
  communityCode: string;

  @Field(() => String, { description: 'Name, 1 to 50 characters.' })
  @MinLength(1)
  @MaxLength(50)
  name: string;

  @Field(() => String, { nullable: true, description: 'Mobile phone, 11 digits.' })
  @IsOptional()
  @Matches(/^1\d{10}$/, { message: 'phone must be an 11-digit mobile number' })
  phone?: string;

  @Field(() => ID, { nullable: true, description: 'The resident (of this community) who volunteers.' })
  @IsOptional()
  @IsUUID('all', { message: 'residentId must be a resident id' })
  residentId?: string;

  @Field(() => ID, { nullable: true, description: 'The party member who volunteers (instead of residentId).' })
  @IsOptional()
  @IsUUID('all', { message: 'partyMemberId must be a party member id' })
  partyMemberId?: string;

  @Field(() => ID, { nullable: true, description: 'The community’s volunteer team they join.' })
  @IsOptional()
  @IsUUID('all', { message: 'teamId must be a volunteer team id' })
  teamId?: string;

  @Field(() => String, { nullable: true, description: 'Registered on (YYYY-MM-DD), not in the future; today when left out.' })
  @IsOptional()
  @Matches(DATE, { message: 'joinedOn must be a date written YYYY-MM-DD' })
  joinedOn?: string;
}

@InputType({ description: 'Hours one volunteer served.' })
export class VolunteerHoursInput {
  @Field(() => ID, { description: 'The volunteer (of the activity’s community).' })
  @IsUUID('all', { message: 'volunteerId must be a volunteer id' })
  volunteerId: string;

  @Field(() => Float, { description: 'Hours, more than 0 and at most 24, in tenths.' })
  @Min(0.1, { message: 'hours must be more than 0' })
  @Max(24, { message: 'hours must be at most 24' })
  hours: number;
}

@InputType({ description: 'The hours volunteers served at one activity.' })
export class LogVolunteerHoursInput {
  @Field(() => ID, { description: 'The activity (recordVolunteerActivity).' })
  @IsUUID('all', { message: 'activityId must be a volunteer activity id' })
  activityId: string;

  @Field(() => [VolunteerHoursInput], { description: 'One entry per volunteer, 1 to 500.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  entries: VolunteerHoursInput[];
}

@InputType({ description: 'A points rule of your district.' })
export class SetPointsRuleInput {
  @Field(() => String, { description: 'Your district’s 6-digit code.' })
  @Matches(/^\d{6}$/, { message: 'districtCode must be a 6-digit district code' })
  districtCode: string;

  @Field(() => String, { nullable: true, description: 'The kind of service (as activities name it), or null for every kind without a rule of its own.' })
  @IsOptional()
  @MaxLength(50)
  activityKind?: string;

  @Field(() => Float, { description: 'Points per hour, 0 to 1,000.' })
  @Min(0)
  @Max(1000)
  pointsPerHour: number;

  @Field(() => Float, { description: 'Points per activity, 0 to 1,000.' })
  @Min(0)
  @Max(1000)
  pointsPerActivity: number;

  @Field(() => String, { description: 'First day it applies (YYYY-MM-DD).' })
  @Matches(DATE, { message: 'effectiveFrom must be a date written YYYY-MM-DD' })
  effectiveFrom: string;
}

export const VOLUNTEER_COLUMNS = `v.id, v.kind, to_char(v.joined_on, 'YYYY-MM-DD') AS "joinedOn", v.community_code AS "communityCode", v.name, v.phone, v.team_id AS "teamId", v.path::text AS path,
  coalesce((SELECT sum(h.hours) FROM community.volunteer_hours h WHERE h.volunteer_id = v.id), 0)::float8 AS hours,
  coalesce((SELECT sum(h.points) FROM community.volunteer_hours h WHERE h.volunteer_id = v.id), 0)::float8 AS points`;
export const RULE_COLUMNS = `id, district_code AS "districtCode", activity_kind AS "activityKind", points_per_hour::float8 AS "pointsPerHour", points_per_activity::float8 AS "pointsPerActivity",
  to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom"`;
