import { Field, ID, InputType } from 'type-graphql';
import { IsISO8601, IsOptional, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

@InputType({ description: 'A new pairing of a community of your subtree with a partner registered in its district.' })
export class StartPairingInput {
  @Field(() => String, { description: 'The community’s 12-digit code (in your subtree).' })
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit community code' })
  communityCode: string;

  @Field(() => ID, { description: 'The social organisation or caring enterprise (registered in the community’s district).' })
  @IsUUID('all', { message: 'partnerId must be a social organisation or enterprise id' })
  partnerId: string;

  @Field(() => String, { description: 'First day of the pairing (YYYY-MM-DD).' })
  @Matches(DATE, { message: 'startedOn must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'startedOn must be a date written YYYY-MM-DD' })
  startedOn: string;

  @Field(() => String, { description: 'Last day of the agreed term (YYYY-MM-DD): on or after startedOn, at most five years on.' })
  @Matches(DATE, { message: 'agreedUntil must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'agreedUntil must be a date written YYYY-MM-DD' })
  agreedUntil: string;

  @Field(() => String, { description: 'What the two sides agree to do (the agreement’s content), 2 to 2,000 characters.' })
  @MinLength(2, { message: 'agreement must be 2 to 2,000 characters' })
  @MaxLength(2000, { message: 'agreement must be 2 to 2,000 characters' })
  @Matches(/\S/, { message: 'agreement must not be blank' })
  agreement: string;
}

@InputType({ description: 'A new term for a running pairing.' })
export class RenewPairingInput {
  @Field(() => ID, { description: 'The pairing (running, in your subtree).' })
  @IsUUID('all', { message: 'pairingId must be a pairing id' })
  pairingId: string;

  @Field(() => String, { description: 'Last day of the new term (YYYY-MM-DD): after the current agreedUntil, at most five years after the new term starts.' })
  @Matches(DATE, { message: 'agreedUntil must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'agreedUntil must be a date written YYYY-MM-DD' })
  agreedUntil: string;

  @Field(() => String, { nullable: true, description: 'The agreement for the new term, 2 to 2,000 characters; the current one carries over when left out.' })
  @IsOptional()
  @MinLength(2, { message: 'agreement must be 2 to 2,000 characters' })
  @MaxLength(2000, { message: 'agreement must be 2 to 2,000 characters' })
  @Matches(/\S/, { message: 'agreement must not be blank' })
  agreement?: string;
}
