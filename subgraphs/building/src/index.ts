import 'reflect-metadata';
import { buildFederatedSchema, rules, unitTypeRules, type SubgraphDefinition } from '@cgp/core';
import { Building } from './building.entity';
import { BuildingResolver, GridBuildingsResolver, buildingReferenceResolvers } from './building.resolver';
import { CreateBuilding1732000000000 } from './migrations/1732000000000-create-building';
import { BuildingRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { seedBuilding } from './seed';

export const buildingSubgraph: SubgraphDefinition = {
  name: 'building',
  entities: [Building],
  migrations: [CreateBuilding1732000000000, BuildingRowLevelSecurity1732000001000],
  permissions: {
    Query: { building: rules.codeArgVisible, buildings: rules.unitStaff },
    Building: unitTypeRules(),
    Grid: { code: rules.unitBreadcrumb, buildings: rules.unitFull },
  },
  seed: seedBuilding,
  buildSchema: () => buildFederatedSchema({ resolvers: [BuildingResolver, GridBuildingsResolver] }, buildingReferenceResolvers),
};
