import { Field, Float, InputType } from 'type-graphql';
import { Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { FacilityKind } from './facility.type';

@InputType({ description: 'A facility of a community.' })
export class FacilityInput {
  @Field(() => String, { description: '12-digit community code.' })
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit community code' })
  communityCode: string;

  @Field(() => FacilityKind, { description: 'Kind.' })
  kind: FacilityKind;

  @Field(() => String, { description: 'Name, 2 to 100 characters.' })
  @MinLength(2)
  @MaxLength(100)
  name: string;

  @Field(() => Float, { description: 'Floor area in m², more than 0 and at most 100,000.' })
  @Min(1)
  @Max(100_000)
  floorAreaM2: number;

  @Field(() => String, { description: 'Opening hours, 2 to 100 characters.' })
  @MinLength(2)
  @MaxLength(100)
  openingHours: string;
}
