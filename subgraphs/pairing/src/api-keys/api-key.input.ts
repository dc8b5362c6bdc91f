import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { IsOptional, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

@InputType({ description: 'A new API key for a partner organisation paired with a community of your district.' })
export class CreatePartnerApiKeyInput {
  @Field(() => ID, { description: 'The social organisation or caring enterprise the key speaks for.' })
  @IsUUID('all', { message: 'partnerId must be a social organisation or enterprise id' })
  partnerId: string;

  @Field(() => String, { description: 'What the key is for, 2 to 100 characters (e.g. the partner’s system that will use it).' })
  @MinLength(2, { message: 'name must be 2 to 100 characters' })
  @MaxLength(100, { message: 'name must be 2 to 100 characters' })
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;
}

@ArgsType()
export class PartnerApiKeysArgs {
  @Field(() => ID, { nullable: true, description: 'Only this partner’s keys (one paired with a community of your district).' })
  @IsOptional()
  @IsUUID('all', { message: 'partnerId must be a social organisation or enterprise id' })
  partnerId?: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Also list revoked keys.' })
  includeRevoked: boolean;
}

@ArgsType()
export class RevokePartnerApiKeyArgs {
  @Field(() => ID, { description: 'The key’s id (from partnerApiKeys or createPartnerApiKey).' })
  @IsUUID('all', { message: 'id must be an API key id' })
  id: string;
}
