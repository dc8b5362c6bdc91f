import { rules } from '@cgp/core';
import type { Queryable } from '@cgp/core';
import { communityWorkResolvers } from './community-work';
import { populationResolvers } from './population';

const POPULATION_FIELDS = { populationStatistics: rules.unitFull, populationRanking: rules.unitFull };
const COMMUNITY_WORK_FIELDS = { communityWorkStatistics: rules.unitFull, communityWorkTrend: rules.unitFull, communityWorkRanking: rules.unitFull };

/**
 * The community subgraph's part of the dashboard statistics (prefixes `population` and `communityWork`), as one piece of the
 * subgraph: figures of a unit's whole subtree, readable by staff of that unit or above (never partners).
 */
export const statistics = {
  resolvers: [...populationResolvers, ...communityWorkResolvers],
  orphanedTypes: [],
  migrations: [],
  referenceResolvers: {},
  seed: async (_db: Queryable) => undefined,
  permissions: {
    PopulationStatistics: { '*': rules.allow },
    RankedPopulationUnit: { '*': rules.allow },
    CommunityWorkStatistics: { '*': rules.allow },
    MonthlyCommunityWorkCount: { '*': rules.allow },
    RankedCommunityWorkUnit: { '*': rules.allow },
    District: { code: rules.unitBreadcrumb, ...POPULATION_FIELDS, ...COMMUNITY_WORK_FIELDS },
    Street: { ...POPULATION_FIELDS, ...COMMUNITY_WORK_FIELDS },
    Community: { ...POPULATION_FIELDS, ...COMMUNITY_WORK_FIELDS },
    Grid: { ...POPULATION_FIELDS, ...COMMUNITY_WORK_FIELDS },
    Building: { ...POPULATION_FIELDS },
  },
};

