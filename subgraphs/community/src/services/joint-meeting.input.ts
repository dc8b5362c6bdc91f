import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsOptional, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { JointParty, ResolutionStatus } from './joint-meeting.type';

@InputType({ description: 'A resolution to record with a meeting.' })
export class ResolutionInput {
  @Field(() => String, { description: 'What was resolved, 2 to 500 characters.' })
  @MinLength(2)
  @MaxLength(500)
  text: string;

  @Field(() => JointParty, { description: 'The party that carries it out.' })
  owner: JointParty;

  @Field(() => String, { nullable: true, description: 'Due date (YYYY-MM-DD).' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueOn must be a date YYYY-MM-DD' })
  dueOn?: string | null;
}

@InputType({ description: 'A joint meeting held.' })
export class JointMeetingInput {
  @Field(() => String, { description: '12-digit community code.' })
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit community code' })
  communityCode: string;

  @Field(() => String, { description: 'Date held (YYYY-MM-DD), not in the future.' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'heldOn must be a date YYYY-MM-DD' })
  heldOn: string;

  @Field(() => [JointParty], { description: 'Parties that attended: the party committee and at least two others.' })
  @ArrayMinSize(3)
  @ArrayMaxSize(5)
  parties: JointParty[];

  @Field(() => [String], { description: 'Topics discussed (1 to 20, each up to 200 characters).' })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @MaxLength(200, { each: true })
  topics: string[];

  @Field(() => [ResolutionInput], { description: 'Resolutions (up to 20).' })
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  resolutions: ResolutionInput[];
}

@InputType({ description: 'A follow-up of a resolution.' })
export class FollowUpInput {
  @Field(() => ID, { description: 'The resolution.' })
  @IsUUID()
  resolutionId: string;

  @Field(() => ResolutionStatus, { description: 'Its status now.' })
  @IsIn(Object.values(ResolutionStatus))
  status: ResolutionStatus;

  @Field(() => String, { description: 'What was done, 1 to 500 characters.' })
  @MinLength(1)
  @MaxLength(500)
  note: string;
}
