import 'reflect-metadata';
import { buildFederatedSchema, personalDataReadsResolver, Role, rules, unitTypeRules, type SubgraphDefinition } from '@cgp/core';
import { BuildingLeaderResolver, BuildingWorkResolver, InstabilityCheckResolver } from './building-work.resolver';
import { buildingStatisticsResolvers, buildingUnitStubs } from './building-statistics';
import { CreateBuildingWork1732000002000 } from './migrations/1732000002000-create-building-work';
import { BuildingResolver, GridBuildingsResolver, buildingReferenceResolvers } from './building.resolver';
import { CreateBuilding1732000000000 } from './migrations/1732000000000-create-building';
import { BuildingRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { BuildingLeaderPathIndex1732000003000 } from './migrations/1732000003000-building-leader-path-index';
import { seedBuilding } from './seed';

/** The dashboard figures on the unit types: only for the caller's own subtree. */
const statisticsRules = { buildingWorkStatistics: rules.unitFull, buildingWorkTrend: rules.unitFull, buildingWorkRanking: rules.unitFull };

export const buildingSubgraph: SubgraphDefinition = {
  name: 'building',
  migrations: [CreateBuilding1732000000000, BuildingRowLevelSecurity1732000001000, CreateBuildingWork1732000002000, BuildingLeaderPathIndex1732000003000],
  permissions: {
    Query: { building: rules.codeArgVisible, buildings: rules.unitStaff, buildingPersonalDataReads: rules.hasRole(Role.AUDITOR) },
    Mutation: { recordOpinion: rules.unitStaff, recordInstabilityCheck: rules.unitStaff },
    BuildingLeader: { '*': rules.recordInScope },
    Opinion: { '*': rules.recordInScope },
    InstabilityCheck: { '*': rules.recordInScope },
    GridCase: { id: rules.allow },
    BuildingWorkStatistics: { '*': rules.allow },
    MonthlyBuildingWorkCount: { '*': rules.allow },
    RankedBuildingWorkUnit: { '*': rules.allow },
    District: { code: rules.unitBreadcrumb, ...statisticsRules },
    Street: { code: rules.unitBreadcrumb, ...statisticsRules },
    Community: { code: rules.unitBreadcrumb, ...statisticsRules },
    PersonalDataRead: { '*': rules.allow },
    Building: unitTypeRules(),
    Grid: { code: rules.unitBreadcrumb, buildings: rules.unitFull, ...statisticsRules },
  },
  seed: seedBuilding,
  buildSchema: () => buildFederatedSchema(
      {
        resolvers: [
          BuildingResolver, GridBuildingsResolver, BuildingWorkResolver, InstabilityCheckResolver, BuildingLeaderResolver,
          personalDataReadsResolver('building', 'buildingPersonalDataReads', 'Building'),
          ...buildingStatisticsResolvers,
        ],
        orphanedTypes: buildingUnitStubs,
      },
      buildingReferenceResolvers,
    ),
};
