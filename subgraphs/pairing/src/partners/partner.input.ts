import { Field, InputType, Int } from 'type-graphql';
import { IsISO8601, IsOptional, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What registering any partner asks: the district and the registered name (fields the input types below inherit). */
@InputType('PartnerRegistrationInput')
abstract class PartnerRegistrationInput {
  @Field(() => String, { description: 'Your district’s 6-digit code: the partner is registered there and can be paired with its communities.' })
  @Matches(/^\d{6}$/, { message: 'districtCode must be a 6-digit district code' })
  districtCode: string;

  @Field(() => String, { description: 'Registered name, 2 to 200 characters.' })
  @MinLength(2, { message: 'name must be 2 to 200 characters' })
  @MaxLength(200, { message: 'name must be 2 to 200 characters' })
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;
}

@InputType({ description: 'A social organisation (社会组织) your district registers as a partner.' })
export class RegisterSocialOrganisationInput extends PartnerRegistrationInput {
  @Field(() => String, { description: 'Field of service, 2 to 100 characters, e.g. 养老服务, 医疗服务, 社工服务.' })
  @MinLength(2, { message: 'field must be 2 to 100 characters' })
  @MaxLength(100, { message: 'field must be 2 to 100 characters' })
  field: string;

  @Field(() => String, {
    description: 'Unified social credit code (统一社会信用代码): 18 characters issued by civil affairs, beginning with 5; its check character is verified.',
  })
  creditCode: string;

  @Field(() => String, { description: 'Date of its registration with civil affairs (YYYY-MM-DD), not in the future.' })
  @Matches(DATE, { message: 'registeredOn must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'registeredOn must be a date written YYYY-MM-DD' })
  registeredOn: string;
}

@InputType({ description: 'A caring enterprise (爱心企业) your district registers as a partner.' })
export class RegisterEnterpriseInput extends PartnerRegistrationInput {
  @Field(() => String, {
    description: 'Unified social credit code (统一社会信用代码): 18 characters issued by market regulation, beginning with 9; its check character is verified.',
  })
  creditCode: string;

  @Field(() => Int, { description: 'Employees taking part in volunteer service: 0 to 100,000.' })
  @Min(0, { message: 'employees cannot be negative' })
  @Max(100000, { message: 'employees must be at most 100,000' })
  employees: number;

  @Field(() => String, { nullable: true, description: 'Date it joined as a partner (YYYY-MM-DD), not in the future; today when left out.' })
  @IsOptional()
  @Matches(DATE, { message: 'registeredOn must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'registeredOn must be a date written YYYY-MM-DD' })
  registeredOn?: string;
}
