import { Tier, unitRegistry, unitRegistryResolvers } from '@cgp/core';
import { Grid, GRID_COLUMNS } from './grid.type';

/** The grids' registry: created, renamed, closed or merged, moved from a day, by the tier above; their history; registry files. */
export const gridRegistry = unitRegistry({
  tier: Tier.GRID,
  typeName: 'Grid',
  plural: 'Grids',
  table: 'grid.grid',
  parentColumn: 'community_code',
  columns: GRID_COLUMNS,
  movable: true,
  children: { subgraph: 'building', typeName: 'Grid', field: 'buildings', plural: 'Buildings' },
});

export const gridRegistryApi = unitRegistryResolvers(Grid, gridRegistry);
