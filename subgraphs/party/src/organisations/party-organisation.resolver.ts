import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root, type ClassType } from 'type-graphql';
import {
  connectionType,
  PageArgs,
  rules,
  Tier,
  tierOfCode,
  TIERS,
  UNIT_LABELS,
  UNIT_TYPENAMES,
  type ConnectionData,
  type Permissions,
  type RequestContext,
  type UnitStub,
} from '@cgp/core';
import { OrganisationService } from './organisation.service';
import { PartyMember } from './party-member.type';
import { PartyOrganisation } from './party-organisation.type';
import { unitTypes } from './unit.union';

export const PartyMemberConnection = connectionType(PartyMember, 'PartyMember', 'A page of party members.');

@Resolver(() => PartyOrganisation)
export class PartyOrganisationResolver {
  @Query(() => PartyOrganisation, { nullable: true, description: 'A party organisation in your subtree, or null (also when it is outside your subtree).' })
  partyOrganisation(@Arg('id', () => ID, { description: 'Its id.' }) id: string, @Ctx() ctx: RequestContext): Promise<PartyOrganisation | null> {
    return OrganisationService.organisation(ctx, id);
  }

  @FieldResolver(() => unitTypes.Unit, { description: 'The unit the organisation is attached to.' })
  unit(@Root() org: PartyOrganisation): { __typename: string; code: string } {
    return { __typename: UNIT_TYPENAMES[tierOfCode(org.unitCode) ?? Tier.DISTRICT], code: org.unitCode };
  }

  @FieldResolver(() => PartyOrganisation, {
    nullable: true,
    description: 'The organisation one level up; null at the top or when it lies outside your subtree.',
  })
  parent(@Root() org: PartyOrganisation, @Ctx() ctx: RequestContext): Promise<PartyOrganisation | null> | null {
    return org.parentId ? OrganisationService.organisation(ctx, org.parentId) : null;
  }

  @FieldResolver(() => [PartyOrganisation], { description: 'The organisations one level down.' })
  children(@Root() org: PartyOrganisation, @Ctx() ctx: RequestContext): Promise<PartyOrganisation[]> {
    return OrganisationService.children(ctx, org.id);
  }

  @FieldResolver(() => PartyMemberConnection, { description: 'Members belonging directly to this organisation.' })
  members(@Root() org: PartyOrganisation, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<PartyMember>> {
    return OrganisationService.members(ctx, org.id, args);
  }

  @FieldResolver(() => Int, { description: 'How many members belong directly to this organisation.' })
  memberCount(@Root() org: PartyOrganisation, @Ctx() ctx: RequestContext): Promise<number> {
    return OrganisationService.memberCount(ctx, org.id);
  }
}

export const partyOrganisationPermissions: Permissions = {
  Query: { partyOrganisation: rules.unitStaff },
  PartyOrganisation: { '*': rules.recordInScope },
};

/** Adds `partyOrganisations` to the unit type of one tier (owned by its tier's subgraph). */
function unitPartyOrganisationsResolver(unit: ClassType<UnitStub>, label: string) {
  @Resolver(() => unit)
  class UnitPartyOrganisationsResolver {
    @FieldResolver(() => [PartyOrganisation], { description: `Party organisations attached directly to this ${label}, top level first.` })
    partyOrganisations(@Root() u: UnitStub, @Ctx() ctx: RequestContext): Promise<PartyOrganisation[]> {
      return OrganisationService.organisationsOfUnit(ctx, u.code);
    }
  }
  return UnitPartyOrganisationsResolver;
}

/** `partyOrganisations` on the five unit types. */
export const unitPartyOrganisationsResolvers = TIERS.map((tier) => unitPartyOrganisationsResolver(unitTypes.classes[tier], UNIT_LABELS[tier]));

export const unitPartyOrganisationsPermissions: Permissions = Object.fromEntries(
  TIERS.map((tier) => [UNIT_TYPENAMES[tier], { partyOrganisations: rules.unitFull }]),
);
