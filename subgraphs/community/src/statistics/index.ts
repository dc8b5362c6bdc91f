import { rules } from '@cgp/core';
import type { Queryable } from '@cgp/core';
import { communityWorkResolvers } from './community-work';

const COMMUNITY_WORK_FIELDS = { communityWorkStatistics: rules.unitFull, communityWorkTrend: rules.unitFull, communityWorkRanking: rules.unitFull };

/**
 * The community subgraph's part of the dashboard statistics (prefixes `population` and `communityWork`), as one piece of the
 * subgraph: figures of a unit's whole subtree, readable by staff of that unit or above (never partners).
 */
export const statistics = {
  resolvers: [...communityWorkResolvers],
  orphanedTypes: [],
  migrations: [],
  referenceResolvers: {},
  seed: async (_db: Queryable) => undefined,
  permissions: {
    CommunityWorkStatistics: { '*': rules.allow },
    MonthlyCommunityWorkCount: { '*': rules.allow },
    RankedCommunityWorkUnit: { '*': rules.allow },
    District: { ...COMMUNITY_WORK_FIELDS },
    Street: { ...COMMUNITY_WORK_FIELDS },
    Community: { ...COMMUNITY_WORK_FIELDS },
    Grid: { ...COMMUNITY_WORK_FIELDS },
  },
};

