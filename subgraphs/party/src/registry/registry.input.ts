import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { BranchCategory, PartyOrganisationKind } from '../organisations/party-organisation.type';
import { PartyMemberKind } from '../organisations/party-member.type';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

@InputType({ description: 'A new party organisation attached to a unit, under a parent organisation.' })
export class CreatePartyOrganisationInput {
  @Field(() => String, { description: 'Name, 2 to 200 characters, e.g. 中共某社区第三网格支部委员会.' })
  @MinLength(2, { message: 'name must be 2 to 200 characters' })
  @MaxLength(200, { message: 'name must be 2 to 200 characters' })
  name: string;

  @Field(() => PartyOrganisationKind, {
    description:
      'Level: district committee at a district, street working committee at a street, community committee or general branch at a community, branch at a community or grid, group at a grid or building.',
  })
  @IsIn(Object.values(PartyOrganisationKind))
  kind: PartyOrganisationKind;

  @Field(() => BranchCategory, {
    description: 'Territorial, functional (by interest: security, charity…) or combined (members living here but belonging elsewhere).',
  })
  @IsIn(Object.values(BranchCategory))
  category: BranchCategory;

  @Field(() => String, { description: 'Code of the unit it is attached to (in your subtree).' })
  @Matches(/^\d{6}(\d{3}){0,4}$/, { message: 'unitCode must be a unit code' })
  unitCode: string;

  @Field(() => ID, { nullable: true, description: 'The organisation above it; only a district committee has none.' })
  @IsOptional()
  @IsUUID('all', { message: 'parentId must be a party organisation id' })
  parentId?: string;
}

@InputType({ description: 'A new member of a party organisation.' })
export class AddPartyMemberInput {
  @Field(() => ID, { description: 'The organisation (in your subtree).' })
  @IsUUID('all', { message: 'organisationId must be a party organisation id' })
  organisationId: string;

  @Field(() => String, { description: 'Name, 1 to 50 characters.' })
  @MinLength(1, { message: 'name must be 1 to 50 characters' })
  @MaxLength(50, { message: 'name must be 1 to 50 characters' })
  name: string;

  @Field(() => PartyMemberKind, { description: 'Resident, in-service (reports to the community where they live) or floating.' })
  @IsIn(Object.values(PartyMemberKind))
  kind: PartyMemberKind;

  @Field(() => String, { description: 'Date joined the party (YYYY-MM-DD), not in the future.' })
  @Matches(DATE, { message: 'joinedOn must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'joinedOn must be a date written YYYY-MM-DD' })
  joinedOn: string;

  @Field(() => String, { nullable: true, description: 'Mobile phone, 11 digits.' })
  @IsOptional()
  @Matches(/^1\d{10}$/, { message: 'phone must be an 11-digit mobile number' })
  phone?: string;

  @Field(() => String, { nullable: true, description: 'Resident ID-card number, 18 characters (its check digit is verified).' })
  @IsOptional()
  @Matches(/^\d{17}[\dX]$/, { message: 'idCardNumber must be 18 characters: 17 digits and a digit or X' })
  idCardNumber?: string;
}

@ArgsType()
export class TransferPartyMemberArgs {
  @Field(() => ID, { description: 'The member.' })
  @IsUUID('all', { message: 'memberId must be a party member id' })
  memberId: string;

  @Field(() => ID, { description: 'The organisation receiving them.' })
  @IsUUID('all', { message: 'toOrganisationId must be a party organisation id' })
  toOrganisationId: string;

  @Field(() => String, { description: 'Day of the transfer (YYYY-MM-DD), not in the future.' })
  @Matches(DATE, { message: 'transferredOn must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'transferredOn must be a date written YYYY-MM-DD' })
  transferredOn: string;

  @Field(() => String, { nullable: true, description: 'Why, up to 200 characters (e.g. 搬迁, 工作调动).' })
  @IsOptional()
  @MaxLength(200)
  reason?: string;
}

@ArgsType()
export class EndServiceReportArgs {
  @Field(() => ID, { description: 'The report (报到).' })
  @IsUUID('all', { message: 'id must be a service report id' })
  id: string;

  @Field(() => String, { description: 'The day the member stopped serving the community (YYYY-MM-DD), not in the future.' })
  @Matches(DATE, { message: 'endedOn must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'endedOn must be a date written YYYY-MM-DD' })
  endedOn: string;
}
