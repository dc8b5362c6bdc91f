import { defineFeature } from '@cgp/core';
import { GridUnitRegistry1732000110000 } from './migrations/1732000110000-unit-registry';
import { gridRegistryApi } from './grid.registry';
import { gridQueries } from './grid.resolver';
import { gridReference } from './grid.reference';
import { seedGrids } from './grid.seed';
import { CreateGrid1732000000000 } from './migrations/1732000000000-create-grid';
import { GridRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { unitTypes } from './unit.union';

/** The grids themselves: Query.grid(s), Community.grids, the Grid entity, the unit stubs the cases feature adds to. */
export const units = defineFeature({
  name: 'units',
  resolvers: [...gridQueries.resolvers, ...gridRegistryApi.resolvers],
  orphanedTypes: unitTypes.stubTypes,
  permissions: [...gridQueries.permissions, unitTypes.permissions, gridRegistryApi.permissions],
  references: gridReference,
  migrations: [CreateGrid1732000000000, GridRowLevelSecurity1732000001000, GridUnitRegistry1732000110000],
  seed: seedGrids,
});
