import { defineFeature } from '@cgp/core';
import { communityProfilePermissions, CommunityProfileResolver, communityQueries } from './community.resolver';
import { communityReference } from './community.reference';
import { seedCommunities } from './community.seed';
import { CreateCommunity1732000000000 } from './migrations/1732000000000-create-community';
import { CommunityRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { unitTypes } from './unit.union';
import { communityRegistryApi } from './community.registry';
import { CommunityUnitRegistry1732000110000 } from './migrations/1732000110000-unit-registry';

/** The communities themselves: Query.community(ies), their profiles, Street.communities, the Community entity, and the unit stubs the other features add to. */
export const units = defineFeature({
  name: 'units',
  resolvers: [...communityQueries.resolvers, CommunityProfileResolver, ...communityRegistryApi.resolvers],
  orphanedTypes: unitTypes.stubTypes,
  permissions: [...communityQueries.permissions, communityProfilePermissions, unitTypes.permissions, communityRegistryApi.permissions],
  references: communityReference,
  migrations: [CreateCommunity1732000000000, CommunityRowLevelSecurity1732000001000, CommunityUnitRegistry1732000110000],
  seed: seedCommunities,
});
