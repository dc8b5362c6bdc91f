import { defineFeature } from '@cgp/core';
import { BuildingUnitRegistry1732000110000 } from './migrations/1732000110000-unit-registry';
import { buildingRegistryApi } from './building.registry';
import { buildingQueries } from './building.resolver';
import { buildingReference } from './building.reference';
import { seedBuildings } from './building.seed';
import { CreateBuilding1732000000000 } from './migrations/1732000000000-create-building';
import { BuildingRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { unitTypes } from './unit.union';

/** The buildings themselves: Query.building(s), Grid.buildings, the Building entity, the unit stubs the work feature adds to. */
export const units = defineFeature({
  name: 'units',
  resolvers: [...buildingQueries.resolvers, ...buildingRegistryApi.resolvers],
  orphanedTypes: unitTypes.stubTypes,
  permissions: [...buildingQueries.permissions, unitTypes.permissions, buildingRegistryApi.permissions],
  references: buildingReference,
  migrations: [CreateBuilding1732000000000, BuildingRowLevelSecurity1732000001000, BuildingUnitRegistry1732000110000],
  seed: seedBuildings,
});
