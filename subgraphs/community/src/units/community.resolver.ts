import { and } from 'graphql-shield';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { assertUnitCode, Role, rules, Tier, unitResolvers, type Permissions, type RequestContext } from '@cgp/core';
import { Community } from './community.type';
import { CommunityProfileInput } from './community.input';
import { CommunityService } from './community.service';
import { Street } from './street.type';

/** Query.community and Query.communities, Community.street and Street.communities, with their rules (core's unitResolvers). */
export const communityQueries = unitResolvers({
  type: Community,
  tier: Tier.COMMUNITY,
  field: 'community',
  listField: 'communities',
  label: 'community',
  plural: 'communities',
  store: CommunityService,
  parent: { type: Street, field: 'street', label: 'street office', code: (unit) => unit.streetCode },
});

@Resolver(() => Community)
export class CommunityProfileResolver {
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
}

export const communityProfilePermissions: Permissions = {
  Mutation: { updateCommunityProfile: and(rules.codeArgInScope, rules.hasRole(Role.STAFF)) },
};
