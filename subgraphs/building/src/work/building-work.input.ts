import { Field, InputType, Int } from 'type-graphql';
import { IsBoolean, IsIn, IsOptional, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

@InputType({ description: 'Opinions collected from residents of a building.' })
export class OpinionInput {
  @Field(() => String, { description: '18-digit building code.' })
  @Matches(/^\d{18}$/, { message: 'buildingCode must be an 18-digit building code' })
  buildingCode: string;

  @Field(() => String, { description: 'Topic, 2 to 100 characters.' })
  @MinLength(2)
  @MaxLength(100)
  topic: string;

  @Field(() => String, { description: 'What residents said, up to 2,000 characters.' })
  @MinLength(1)
  @MaxLength(2000)
  content: string;

  @Field(() => Int, { description: 'How many residents raised it (1 to 10,000).' })
  @Min(1)
  @Max(10_000)
  residents: number;

  @Field(() => String, { description: 'Date collected (YYYY-MM-DD), not in the future.' })
  @Matches(DATE, { message: 'collectedOn must be a date YYYY-MM-DD' })
  collectedOn: string;
}

@InputType({ description: 'The result of an instability-factor check of a building.' })
export class InstabilityCheckInput {
  @Field(() => String, { description: '18-digit building code.' })
  @Matches(/^\d{18}$/, { message: 'buildingCode must be an 18-digit building code' })
  buildingCode: string;

  @Field(() => String, { description: 'Date of the check (YYYY-MM-DD), not in the future.' })
  @Matches(DATE, { message: 'checkedOn must be a date YYYY-MM-DD' })
  checkedOn: string;

  @Field(() => Boolean, { description: 'true when the check found a problem: a grid case is raised in the same step.' })
  @IsBoolean()
  problemFound: boolean;

  @Field(() => String, { description: 'What was found, 2 to 2,000 characters.' })
  @MinLength(2)
  @MaxLength(2000)
  description: string;

  @Field(() => String, {
    nullable: true,
    description: 'Category of the case to raise: SOCIAL_MANAGEMENT (default), DISPUTE, PUBLIC_SERVICE or CITY_APPEARANCE.',
  })
  @IsOptional()
  @IsIn(['SOCIAL_MANAGEMENT', 'DISPUTE', 'PUBLIC_SERVICE', 'CITY_APPEARANCE'])
  caseCategory?: string | null;
}
