import { Tier, unitRegistry, unitRegistryResolvers } from '@cgp/core';
import { Building, BUILDING_COLUMNS } from './building.type';

/** The buildings' registry: created, renamed, closed or merged, moved from a day, by the tier above; their history; registry files. */
export const buildingRegistry = unitRegistry({
  tier: Tier.BUILDING,
  typeName: 'Building',
  plural: 'Buildings',
  table: 'building.building',
  parentColumn: 'grid_code',
  columns: BUILDING_COLUMNS,
  movable: true,
  copyColumns: ['floors', 'households'],
});

export const buildingRegistryApi = unitRegistryResolvers(Building, buildingRegistry);
