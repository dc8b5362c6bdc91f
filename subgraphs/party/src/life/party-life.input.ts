import { ArgsType, Field, Float, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, IsIn, IsISO8601, IsOptional, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MeetingKind, ResponsibilityPostKind } from './party-life.type';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = (field: string) => `${field} must be a date written YYYY-MM-DD`;

@ArgsType()
export class ReportToCommunityArgs {
  @Field(() => ID, { description: 'The in-service party member (kind IN_SERVICE) who reports.' })
  @IsUUID('all', { message: 'memberId must be a party member id' })
  memberId: string;

  @Field(() => String, { description: '12-digit code of the community where the member lives; your own community.' })
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit community code' })
  communityCode: string;

  @Field(() => String, { description: 'Date the member reported (YYYY-MM-DD), not in the future.' })
  @Matches(DATE, { message: DATE_MESSAGE('reportedOn') })
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE('reportedOn') })
  reportedOn: string;
}

@ArgsType()
export class LogServiceHoursArgs {
  @Field(() => ID, { description: 'The accepted service report the hours count towards.' })
  @IsUUID('all', { message: 'reportId must be a service report id' })
  reportId: string;

  @Field(() => Float, { description: 'Hours served: 0.5 to 24, in steps of 0.5.' })
  @Min(0.5, { message: 'hours must be at least 0.5' })
  @Max(24, { message: 'hours must be at most 24' })
  hours: number;

  @Field(() => String, { description: 'Day served (YYYY-MM-DD): not in the future, not before the report.' })
  @Matches(DATE, { message: DATE_MESSAGE('servedOn') })
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE('servedOn') })
  servedOn: string;

  @Field(() => String, { nullable: true, description: 'What the member did, up to 500 characters.' })
  @IsOptional()
  @MaxLength(500)
  note?: string | null;
}

@ArgsType()
export class AssignPostArgs {
  @Field(() => ID, { description: 'The party member.' })
  @IsUUID('all', { message: 'memberId must be a party member id' })
  memberId: string;

  @Field(() => ResponsibilityPostKind, { description: 'The responsibility post.' })
  @IsIn(Object.values(ResponsibilityPostKind))
  post: ResponsibilityPostKind;

  @Field(() => String, { description: 'Held since (YYYY-MM-DD), not in the future.' })
  @Matches(DATE, { message: DATE_MESSAGE('since') })
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE('since') })
  since: string;
}

@InputType({ description: 'A meeting or lesson held by a party organisation, with who was present and who was absent.' })
export class RecordMeetingInput {
  @Field(() => ID, { description: 'The party organisation that held it; inside your unit.' })
  @IsUUID('all', { message: 'organisationId must be a party organisation id' })
  organisationId: string;

  @Field(() => MeetingKind, { description: 'Which of the three meetings, or the lesson.' })
  @IsIn(Object.values(MeetingKind))
  kind: MeetingKind;

  @Field(() => String, { description: 'Date held (YYYY-MM-DD), not in the future.' })
  @Matches(DATE, { message: DATE_MESSAGE('heldOn') })
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE('heldOn') })
  heldOn: string;

  @Field(() => String, { description: 'Topic, 2 to 200 characters.' })
  @MinLength(2)
  @MaxLength(200)
  topic: string;

  @Field(() => [ID], { description: 'Members present; each must belong to the organisation (directly or through one of its groups).' })
  @ArrayMaxSize(2000)
  @IsUUID('all', { each: true, message: 'presentMemberIds must hold party member ids' })
  presentMemberIds: string[];

  @Field(() => [ID], { description: 'Members absent; each must belong to the organisation, and none may also be present.' })
  @ArrayMaxSize(2000)
  @IsUUID('all', { each: true, message: 'absentMemberIds must hold party member ids' })
  absentMemberIds: string[];
}
