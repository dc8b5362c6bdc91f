import { Field, Float, InputType, Int } from 'type-graphql';
import { IsOptional, Max, MaxLength, Min, MinLength } from 'class-validator';

@InputType({ description: 'Changes to a community’s profile; omitted fields stay as they are.' })
export class CommunityProfileInput {
  @Field(() => String, { nullable: true, description: 'New name, 2 to 100 characters.' })
  @IsOptional()
  @MinLength(2)
  @MaxLength(100)
  name?: string;

  @Field(() => Int, { nullable: true, description: 'Registered households, 0 to 1,000,000.' })
  @IsOptional()
  @Min(0)
  @Max(1_000_000)
  households?: number;

  @Field(() => Int, { nullable: true, description: 'Resident population, 0 to 5,000,000.' })
  @IsOptional()
  @Min(0)
  @Max(5_000_000)
  population?: number;

  @Field(() => Int, { nullable: true, description: 'Staff of the community, 0 to 1,000.' })
  @IsOptional()
  @Min(0)
  @Max(1000)
  staff?: number;

  @Field(() => Float, { nullable: true, description: 'Area in km², 0 to 1,000.' })
  @IsOptional()
  @Min(0)
  @Max(1000)
  areaKm2?: number;
}
