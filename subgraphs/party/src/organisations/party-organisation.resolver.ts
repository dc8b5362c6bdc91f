import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root, type ClassType } from 'type-graphql';
import { connectionType, maskIdCard, maskPhone, PageArgs, personalField, tierOfCode, type ConnectionData, type RequestContext } from '@cgp/core';
import { PartyOrganisation } from './party-organisation.entity';
import { PartyMember } from './party-member.entity';
import { PartyService } from './party.service';
import { Building, Community, District, Grid, Street, Unit } from './unit.stubs';

export const PartyMemberConnection = connectionType(PartyMember, 'PartyMember', 'A page of party members.');

const AUDIT_TABLE = 'party.personal_data_read';

@ObjectType({ description: 'Party members in a unit’s whole subtree, by kind.' })
export class PartyMemberCounts {
  @Field(() => Int, { description: 'All members.' }) total: number;
  @Field(() => Int, { description: 'Resident members (居民党员).' }) resident: number;
  @Field(() => Int, { description: 'In-service members (在职党员) reporting to the community where they live.' }) inService: number;
  @Field(() => Int, { description: 'Floating members (流动党员).' }) floating: number;
}

@Resolver(() => PartyOrganisation)
export class PartyOrganisationResolver {
  @Query(() => PartyOrganisation, { nullable: true, description: 'A party organisation in your subtree, or null (also when it is outside your subtree).' })
  partyOrganisation(@Arg('id', () => ID, { description: 'Its id.' }) id: string, @Ctx() ctx: RequestContext): Promise<PartyOrganisation | null> {
    return PartyService.organisation(ctx, id);
  }

  @FieldResolver(() => Unit, { description: 'The unit the organisation is attached to.' })
  unit(@Root() org: PartyOrganisation): { __typename: string; code: string } {
    const tier = tierOfCode(org.unitCode);
    const typename = { DISTRICT: 'District', STREET: 'Street', COMMUNITY: 'Community', GRID: 'Grid', BUILDING: 'Building' }[tier ?? 'DISTRICT'];
    return { __typename: typename, code: org.unitCode };
  }

  @FieldResolver(() => PartyOrganisation, { nullable: true, description: 'The organisation one level up; null at the top or when it lies outside your subtree.' })
  parent(@Root() org: PartyOrganisation, @Ctx() ctx: RequestContext): Promise<PartyOrganisation | null> | null {
    return org.parentId ? PartyService.organisation(ctx, org.parentId) : null;
  }

  @FieldResolver(() => [PartyOrganisation], { description: 'The organisations one level down.' })
  children(@Root() org: PartyOrganisation, @Ctx() ctx: RequestContext): Promise<PartyOrganisation[]> {
    return PartyService.children(ctx, org.id);
  }

  @FieldResolver(() => PartyMemberConnection, { description: 'Members belonging directly to this organisation.' })
  members(@Root() org: PartyOrganisation, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<PartyMember>> {
    return PartyService.members(ctx, org.id, args);
  }

  @FieldResolver(() => Int, { description: 'How many members belong directly to this organisation.' })
  memberCount(@Root() org: PartyOrganisation, @Ctx() ctx: RequestContext): Promise<number> {
    return PartyService.memberCount(ctx, org.id);
  }
}

@Resolver(() => PartyMember)
export class PartyMemberResolver {
  @Query(() => PartyMember, { nullable: true, description: 'A party member in your subtree, or null (also when outside your subtree).' })
  partyMember(@Arg('id', () => ID, { description: 'Its id.' }) id: string, @Ctx() ctx: RequestContext): Promise<PartyMember | null> {
    return PartyService.member(ctx, id);
  }

  @FieldResolver(() => PartyOrganisation, { description: 'The organisation the member belongs to.' })
  async organisation(@Root() member: PartyMember, @Ctx() ctx: RequestContext): Promise<PartyOrganisation> {
    return (await PartyService.organisation(ctx, member.organisationId)) as PartyOrganisation;
  }

  @FieldResolver(() => String)
  name(@Root() m: PartyMember, @Ctx() ctx: RequestContext): string {
    return personalField(ctx, AUDIT_TABLE, { recordType: 'PartyMember', recordId: m.id, field: 'name', path: m.path }, m.name, (v) => v && `${v.slice(0, 1)}*`) as string;
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

/** Adds `partyOrganisations` and `partyMembers` to a unit type owned by another subgraph. */
function unitPartyResolver(unit: ClassType<{ code: string }>, label: string) {
  @Resolver(() => unit)
  class UnitPartyResolver {
    @FieldResolver(() => [PartyOrganisation], { description: `Party organisations attached directly to this ${label}, top level first.` })
    partyOrganisations(@Root() u: { code: string }, @Ctx() ctx: RequestContext): Promise<PartyOrganisation[]> {
      return PartyService.organisationsOfUnit(ctx, u.code);
    }

    @FieldResolver(() => PartyMemberCounts, { description: `Party members anywhere in this ${label}'s subtree, by kind.` })
    async partyMembers(@Root() u: { code: string }, @Ctx() ctx: RequestContext): Promise<PartyMemberCounts> {
      const { residentMembers: resident, inServiceMembers: inService, floatingMembers: floating } = await PartyService.membersInSubtree(ctx, u.code);
      return { total: resident + inService + floating, resident, inService, floating };
    }
  }
  return UnitPartyResolver;
}

export const unitPartyResolvers = [
  unitPartyResolver(District, 'district'),
  unitPartyResolver(Street, 'street office'),
  unitPartyResolver(Community, 'community'),
  unitPartyResolver(Grid, 'grid'),
  unitPartyResolver(Building, 'building'),
] as const;

export const partyReferenceResolvers = {
  PartyOrganisation: {
    __resolveReference: (ref: { id: string }, ctx: RequestContext) => PartyService.organisation(ctx, ref.id),
  },
  PartyMember: {
    __resolveReference: (ref: { id: string }, ctx: RequestContext) => PartyService.member(ctx, ref.id),
  },
};
