import { Field, ID, InputType } from 'type-graphql';
import { IsOptional, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { ErrandKind } from './errand.type';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

@InputType({ description: 'A new livelihood agent for a grid.' })
export class AgentInput {
  @Field(() => String, { description: '15-digit grid code.' })
  @Matches(/^\d{15}$/, { message: 'gridCode must be a 15-digit grid code' })
  gridCode: string;

  @Field(() => String, { description: 'Name, 1 to 50 characters.' })
  @MinLength(1)
  @MaxLength(50)
  name: string;

  @Field(() => String, { nullable: true, description: 'Phone.' })
  @IsOptional()
  @Matches(/^[0-9+\- ]{5,20}$/, { message: 'phone must be a phone number' })
  phone?: string | null;
}

@InputType({ description: 'An errand for a resident.' })
export class ErrandInput {
  @Field(() => ID, { description: 'The agent doing it.' })
  @IsUUID()
  agentId: string;

  @Field(() => ErrandKind, { description: 'What it is for.' })
  kind: ErrandKind;

  @Field(() => String, { description: 'The resident it is for (personal data).' })
  @MinLength(1)
  @MaxLength(50)
  residentName: string;

  @Field(() => String, { description: 'Date asked for (YYYY-MM-DD).' })
  @Matches(DATE, { message: 'requestedOn must be a date YYYY-MM-DD' })
  requestedOn: string;

  @Field(() => String, { nullable: true, description: 'Date done, when already done (YYYY-MM-DD).' })
  @IsOptional()
  @Matches(DATE, { message: 'doneOn must be a date YYYY-MM-DD' })
  doneOn?: string | null;

  @Field(() => String, { nullable: true, description: 'Note, up to 500 characters.' })
  @IsOptional()
  @MaxLength(500)
  note?: string | null;
}
