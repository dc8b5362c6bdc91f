import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { maskIdCard, maskPhone, personalField, rules, type Permissions, type RequestContext } from '@cgp/core';
import { OrganisationService } from './organisation.service';
import { PartyMember } from './party-member.type';
import { PartyOrganisation } from './party-organisation.type';

/** Where unmasked reads of a member's personal data are written. */
const AUDIT_TABLE = 'party.personal_data_read';

@Resolver(() => PartyMember)
export class PartyMemberResolver {
  @Query(() => PartyMember, { nullable: true, description: 'A party member in your subtree, or null (also when outside your subtree).' })
  partyMember(@Arg('id', () => ID, { description: 'Its id.' }) id: string, @Ctx() ctx: RequestContext): Promise<PartyMember | null> {
    return OrganisationService.member(ctx, id);
  }

  @FieldResolver(() => PartyOrganisation, { description: 'The organisation the member belongs to.' })
  async organisation(@Root() member: PartyMember, @Ctx() ctx: RequestContext): Promise<PartyOrganisation> {
    return (await OrganisationService.organisation(ctx, member.organisationId)) as PartyOrganisation;
  }

  @FieldResolver(() => String)
  name(@Root() m: PartyMember, @Ctx() ctx: RequestContext): string {
    return personalField(
      ctx,
      AUDIT_TABLE,
      { recordType: 'PartyMember', recordId: m.id, field: 'name', path: m.path },
      m.name,
      (v) => v && `${v.slice(0, 1)}*`,
    ) as string;
  }

  @FieldResolver(() => String, { nullable: true })
  phone(@Root() m: PartyMember, @Ctx() ctx: RequestContext): string | null {
    return personalField(ctx, AUDIT_TABLE, { recordType: 'PartyMember', recordId: m.id, field: 'phone', path: m.path }, m.phone, maskPhone);
  }

  @FieldResolver(() => String, { nullable: true })
  idCardNumber(@Root() m: PartyMember, @Ctx() ctx: RequestContext): string | null {
    return personalField(ctx, AUDIT_TABLE, { recordType: 'PartyMember', recordId: m.id, field: 'idCardNumber', path: m.path }, m.idCardNumber, maskIdCard);
  }
}

export const partyMemberPermissions: Permissions = {
  Query: { partyMember: rules.unitStaff },
  PartyMember: { '*': rules.recordInScope },
};
