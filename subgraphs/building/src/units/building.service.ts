import { unitStore } from '@cgp/core';
import { BUILDING_COLUMNS, type Building } from './building.type';

/** Reads buildings; every lookup and child list is batched per request. */
export const BuildingService = unitStore<Building>({ name: 'building', table: 'building.building', columns: BUILDING_COLUMNS, parentColumn: 'grid_code' });
