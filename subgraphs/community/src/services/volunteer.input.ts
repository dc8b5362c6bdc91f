import { Field, ID, InputType, Int } from 'type-graphql';
import { IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { VolunteerTeamKind } from './volunteer.type';

@InputType({ description: 'A new volunteer team.' })
export class VolunteerTeamInput {
  @Field(() => String, { description: '12-digit community code.' })
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit community code' })
  communityCode: string;

  @Field(() => String, { description: 'Name, 2 to 100 characters.' })
  @MinLength(2)
  @MaxLength(100)
  name: string;

  @Field(() => VolunteerTeamKind, { description: 'Kind.' })
  kind: VolunteerTeamKind;

  @Field(() => Int, { description: 'Members, 1 to 10,000.' })
  @Min(1)
  @Max(10_000)
  members: number;

  @Field(() => String, { description: 'Team leader, 1 to 50 characters.' })
  @MinLength(1)
  @MaxLength(50)
  leaderName: string;
}

@InputType({ description: 'A volunteer service activity.' })
export class VolunteerActivityInput {
  @Field(() => ID, { description: 'The team.' })
  @IsUUID()
  teamId: string;

  @Field(() => String, { description: 'Date (YYYY-MM-DD), not in the future.' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'heldOn must be a date YYYY-MM-DD' })
  heldOn: string;

  @Field(() => String, { description: 'Kind of service, 1 to 50 characters.' })
  @MinLength(1)
  @MaxLength(50)
  kind: string;

  @Field(() => String, { description: 'Title, 2 to 200 characters.' })
  @MinLength(2)
  @MaxLength(200)
  title: string;

  @Field(() => Int, { description: 'Volunteers taking part, 1 to 10,000.' })
  @Min(1)
  @Max(10_000)
  participants: number;

  @Field(() => Int, { description: 'People served, 0 to 100,000.' })
  @Min(0)
  @Max(100_000)
  beneficiaries: number;
}
