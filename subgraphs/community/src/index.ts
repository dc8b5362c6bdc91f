import 'reflect-metadata';
import { and } from 'graphql-shield';
import { buildFederatedSchema, Role, rules, unitTypeRules, type SubgraphDefinition } from '@cgp/core';
import { Community } from './community.entity';
import { CommunityResolver, StreetCommunitiesResolver, communityReferenceResolvers } from './community.resolver';
import { CreateCommunity1732000000000 } from './migrations/1732000000000-create-community';
import { CommunityRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { seedCommunity } from './seed';

export const communitySubgraph: SubgraphDefinition = {
  name: 'community',
  entities: [Community],
  migrations: [CreateCommunity1732000000000, CommunityRowLevelSecurity1732000001000],
  permissions: {
    Query: { community: rules.codeArgVisible, communities: rules.unitStaff },
    Mutation: { updateCommunityProfile: and(rules.codeArgInScope, rules.hasRole(Role.STAFF)) },
    Community: unitTypeRules(),
    Street: { code: rules.unitBreadcrumb, communities: rules.unitFull },
  },
  seed: seedCommunity,
  buildSchema: () => buildFederatedSchema({ resolvers: [CommunityResolver, StreetCommunitiesResolver] }, communityReferenceResolvers),
};
