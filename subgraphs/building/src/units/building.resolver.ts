import { Tier, unitResolvers } from '@cgp/core';
import { Grid } from './grid.type';
import { Building } from './building.type';
import { BuildingService } from './building.service';

/** Query.building and Query.buildings, Building.grid and Grid.buildings, with their rules (core's unitResolvers). */
export const buildingQueries = unitResolvers({
  type: Building,
  tier: Tier.BUILDING,
  field: 'building',
  listField: 'buildings',
  label: 'building',
  plural: 'buildings',
  store: BuildingService,
  parent: { type: Grid, field: 'grid', label: 'grid', code: (unit) => unit.gridCode },
});
