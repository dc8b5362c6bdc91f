import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { IsIn, IsISO8601, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PartnerActivityKind } from './activity.type';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

@InputType({ description: 'A service activity a partner ran under one of its pairings.' })
export class RecordPartnerActivityInput {
  @Field(() => ID, {
    description:
      'The pairing: your own organisation’s (partner), or one of your community’s (community staff on a partner’s behalf). It must be running on heldOn.',
  })
  @IsUUID('all', { message: 'pairingId must be a pairing id' })
  pairingId: string;

  @Field(() => PartnerActivityKind, { description: 'What kind of service it was.' })
  @IsIn(Object.values(PartnerActivityKind))
  kind: PartnerActivityKind;

  @Field(() => String, { description: 'Date held (YYYY-MM-DD), not in the future.' })
  @Matches(DATE, { message: 'heldOn must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'heldOn must be a date written YYYY-MM-DD' })
  heldOn: string;

  @Field(() => String, { description: 'Title, 2 to 200 characters.' })
  @MinLength(2)
  @MaxLength(200)
  title: string;

  @Field(() => Int, { description: 'Volunteers sent: 0 to 10,000.' })
  @Min(0, { message: 'volunteers cannot be negative' })
  @Max(10000)
  volunteers: number;

  @Field(() => Int, { description: 'People served: 0 to 100,000.' })
  @Min(0, { message: 'beneficiaries cannot be negative' })
  @Max(100000)
  beneficiaries: number;
}

@ArgsType()
export class EndPairingArgs {
  @Field(() => ID, { description: 'The pairing to end.' })
  @IsUUID('all', { message: 'pairingId must be a pairing id' })
  pairingId: string;

  @Field(() => String, { description: 'First day the pairing no longer runs (YYYY-MM-DD); not before it started, and after its last recorded activity.' })
  @Matches(DATE, { message: 'endedOn must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'endedOn must be a date written YYYY-MM-DD' })
  endedOn: string;
}
