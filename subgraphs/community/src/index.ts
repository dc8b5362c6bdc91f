import 'reflect-metadata';
import { and } from 'graphql-shield';
import { buildFederatedSchema, Role, rules, unitTypeRules, type Queryable, type SubgraphDefinition } from '@cgp/core';
import type { DemoDataset } from '@cgp/demo-data';
import { CommunityResolver, StreetCommunitiesResolver, communityReferenceResolvers } from './community.resolver';
import { CreateCommunity1732000000000 } from './migrations/1732000000000-create-community';
import { CommunityRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { CommunityUnitRegistry1732000110000 } from './migrations/1732000110000-unit-registry';
import { communityRegistryApi } from './community.registry';
import { seedCommunity } from './seed';
import { residentsModule } from './residents';
import { ResidentImportWorker } from './residents/import-jobs';
import { communityServices } from './services';
import { wishes } from './wishes';
import { statistics } from './statistics';
import { volunteers } from './volunteers';

/** The community's core: its units and profile. */
const communities = {
  resolvers: [CommunityResolver, StreetCommunitiesResolver, ...communityRegistryApi.resolvers],
  orphanedTypes: [],
  migrations: [CreateCommunity1732000000000, CommunityRowLevelSecurity1732000001000, CommunityUnitRegistry1732000110000],
  referenceResolvers: communityReferenceResolvers,
  seed: seedCommunity,
  permissions: {
    Query: { community: rules.codeArgVisible, communities: rules.unitStaff },
    Mutation: { updateCommunityProfile: and(rules.codeArgInScope, rules.hasRole(Role.STAFF)), ...communityRegistryApi.permissions.Mutation },
    UnitEvent: { '*': rules.allow },
    RegistryImportReport: { '*': rules.allow },
    Community: unitTypeRules(),
    Street: { code: rules.unitBreadcrumb, communities: rules.unitFull },
  },
};

/** The pieces of work the community subgraph carries; each brings its resolvers, migrations, rules and demo data. */
const FEATURES = [communities, residentsModule, wishes, communityServices, statistics, volunteers];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rules = Record<string, any>;
function mergePermissions(list: Rules[]): Rules {
  const merged: Rules = {};
  for (const permissions of list) for (const [type, rule] of Object.entries(permissions)) merged[type] = { ...(merged[type] ?? {}), ...rule };
  return merged;
}

export const communitySubgraph: SubgraphDefinition = {
  name: 'community',
  migrations: FEATURES.flatMap((f) => f.migrations),
  permissions: mergePermissions(FEATURES.map((f) => f.permissions)),
  async seed(db: Queryable, dataset: DemoDataset) {
    for (const feature of FEATURES) await feature.seed(db, dataset);
  },
  // Residents imports run as jobs beside the server (see residents/import-jobs.ts).
  workers: (db, logger) => [new ResidentImportWorker(db, logger).start()],
  buildSchema: () =>
    buildFederatedSchema(
      { resolvers: FEATURES.flatMap((f) => [...f.resolvers]) as never, orphanedTypes: FEATURES.flatMap((f) => [...f.orphanedTypes]) },
      Object.assign({}, ...FEATURES.map((f) => f.referenceResolvers)),
    ),
};
