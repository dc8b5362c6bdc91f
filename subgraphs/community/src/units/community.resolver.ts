import { and } from 'graphql-shield';
import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  assertUnitCode,
  connectionType,
  Role,
  rules,
  Tier,
  UnitListArgs,
  unitTypeRules,
  type ConnectionData,
  type Permissions,
  type RequestContext,
} from '@cgp/core';
import { Community } from './community.type';
import { CommunityProfileInput } from './community.input';
import { CommunityService } from './community.service';
import { Street } from './street.type';

export const CommunityConnection = connectionType(Community, 'Community', 'A page of communities, by code.');

@Resolver(() => Community)
export class CommunityResolver {
  @Query(() => Community, { nullable: true, description: 'The community with this 12-digit code, or null when there is none.' })
  community(
    @Arg('code', () => String, { description: '12-digit community code, e.g. 411602001001.' }) code: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Community | null> {
    assertUnitCode(code, Tier.COMMUNITY);
    return CommunityService.byCode(ctx, code);
  }

  @Query(() => CommunityConnection, { description: 'All communities, by code.' })
  communities(@Args(() => UnitListArgs) args: UnitListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Community>> {
    return CommunityService.list(ctx, args);
  }

  @Mutation(() => Community, {
    nullable: true,
    description: 'Updates a community’s profile (name and figures). Staff of the community or of a unit above it; null when no community has this code.',
  })
  updateCommunityProfile(
    @Arg('code', () => String, { description: '12-digit community code.' }) code: string,
    @Arg('input', () => CommunityProfileInput) input: CommunityProfileInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Community | null> {
    assertUnitCode(code, Tier.COMMUNITY);
    return CommunityService.updateProfile(ctx, code, input);
  }

  @FieldResolver(() => Street, { description: 'The street office this community belongs to.' })
  street(@Root() community: Community): Street {
    return { code: community.streetCode };
  }
}

export const communityPermissions: Permissions = {
  Query: { community: rules.codeArgVisible, communities: rules.unitStaff },
  Mutation: { updateCommunityProfile: and(rules.codeArgInScope, rules.hasRole(Role.STAFF)) },
  // id, code, name and tier as a breadcrumb; the rest (the profile, street) only inside the caller's subtree.
  Community: unitTypeRules(),
};

@Resolver(() => Street)
export class StreetCommunitiesResolver {
  @FieldResolver(() => CommunityConnection, { description: 'The communities of this street office, by code.' })
  communities(@Root() street: Street, @Args(() => UnitListArgs) args: UnitListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Community>> {
    return CommunityService.childrenOf(ctx, street.code, args);
  }
}

export const streetCommunitiesPermissions: Permissions = {
  Street: { communities: rules.unitFull },
};
