import { Field, ID, InputType, Int } from 'type-graphql';
import { IsBoolean, IsOptional, IsUUID, Matches, MaxLength, Min, MinLength } from 'class-validator';
import { WishCategory } from './wish.type';

@InputType({ description: 'A wish to put on a community’s wish wall.' })
export class PostWishInput {
  @Field(() => String, { description: '12-digit community code.' })
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit community code' })
  communityCode: string;

  @Field(() => String, { description: 'The wish, 2 to 200 characters.' })
  @MinLength(2)
  @MaxLength(200)
  text: string;

  @Field(() => WishCategory, { description: 'What it is for.' })
  category: WishCategory;

  @Field(() => String, { description: 'The resident’s name (personal data: partners never see it).' })
  @MinLength(1)
  @MaxLength(50)
  beneficiaryName: string;

  @Field(() => Boolean, { description: 'Whether partner organisations may see and claim it.' })
  @IsBoolean()
  openToPartners: boolean;
}

@InputType({ description: 'A claim of a wish.' })
export class ClaimWishInput {
  @Field(() => ID, { description: 'The wish.' })
  @IsUUID()
  wishId: string;

  @Field(() => ID, {
    nullable: true,
    description: 'For staff recording a party member’s claim: the member. Partners claim for their own organisation and leave it out.',
  })
  @IsOptional()
  @IsUUID()
  partyMemberId?: string | null;
}

@InputType({ description: 'A step on a claimed wish.' })
export class WishStepInput {
  @Field(() => ID, { description: 'The wish.' })
  @IsUUID()
  wishId: string;

  @Field(() => Int, { description: 'The version you last saw.' })
  @Min(1)
  version: number;
}
