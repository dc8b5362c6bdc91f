import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { registryImports, rules, type Permissions, type RequestContext } from '@cgp/core';
import { PartyOrganisation } from '../organisations/party-organisation.type';
import { PartyMember } from '../organisations/party-member.type';
import { ServiceReport } from '../life/party-life.type';
import { AddPartyMemberInput, CreatePartyOrganisationInput, EndServiceReportArgs, TransferPartyMemberArgs } from './registry.input';
import { MemberTransfer, PartyRegistryService } from './registry.service';
import { PartyImport } from './registry.import';

@Resolver(() => PartyMember)
export class PartyRegistryResolver {
  @Mutation(() => PartyOrganisation, {
    description:
      'Creates a party organisation attached to a unit of your subtree, under its parent organisation (STAFF or PARTY_SECRETARY): territorial, functional or combined branches included.',
  })
  createPartyOrganisation(
    @Arg('input', () => CreatePartyOrganisationInput, { description: 'The organisation.' }) input: CreatePartyOrganisationInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PartyOrganisation> {
    return PartyRegistryService.createOrganisation(ctx, input);
  }

  @Mutation(() => PartyMember, { description: 'Adds a member to a party organisation of your subtree (STAFF or PARTY_SECRETARY).' })
  addPartyMember(
    @Arg('input', () => AddPartyMemberInput, { description: 'The member.' }) input: AddPartyMemberInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PartyMember> {
    return PartyRegistryService.addMember(ctx, input);
  }

  @Mutation(() => PartyMember, {
    description: 'Transfers a member to another organisation (组织关系转接), both in your subtree; every transfer is kept in `transfers`.',
  })
  transferPartyMember(@Args(() => TransferPartyMemberArgs) args: TransferPartyMemberArgs, @Ctx() ctx: RequestContext): Promise<PartyMember> {
    return PartyRegistryService.transferMember(ctx, args);
  }

  @Mutation(() => ServiceReport, { description: 'Ends an in-service member’s report to a community (报到), from a day; they may then report to another.' })
  endServiceReport(@Args(() => EndServiceReportArgs) args: EndServiceReportArgs, @Ctx() ctx: RequestContext): Promise<ServiceReport> {
    return PartyRegistryService.endServiceReport(ctx, args);
  }

  @FieldResolver(() => [MemberTransfer], { description: 'Transfers between organisations, oldest first.' })
  transfers(@Root() member: PartyMember, @Ctx() ctx: RequestContext): Promise<MemberTransfer[]> {
    return PartyRegistryService.transfersOf(ctx, member.id);
  }
}

// Unit staff and party secretaries; the service checks the role and the subtree of each record.
export const partyRegistryPermissions: Permissions = {
  Mutation: {
    createPartyOrganisation: rules.unitStaff,
    addPartyMember: rules.unitStaff,
    transferPartyMember: rules.unitStaff,
    endServiceReport: rules.unitStaff,
  },
  PartyMember: { transfers: rules.recordInScope },
  MemberTransfer: { '*': rules.allow },
};

/** The party registers from files (district STAFF; the import checks the district). */
export const partyImports = registryImports([
  {
    name: 'importPartyOrganisations',
    description:
      'Imports the district’s party organisations from a CSV or Excel file (district STAFF), all or nothing: columns name, kind, category, unit_code, parent_unit_code, parent_name (the parent: a row above or an organisation already registered; empty for the district committee).',
    run: (ctx, districtCode, file) => PartyImport.organisations(ctx, districtCode, file),
  },
  {
    name: 'importPartyMembers',
    description:
      'Imports the district’s party members from a CSV or Excel file (district STAFF), all or nothing: columns organisation_unit_code, organisation_name, name, kind, joined_on, phone, id_card_number.',
    run: (ctx, districtCode, file) => PartyImport.members(ctx, districtCode, file),
  },
]);
