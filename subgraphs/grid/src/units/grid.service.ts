import { unitStore } from '@cgp/core';
import { GRID_COLUMNS, type Grid } from './grid.type';

/** Reads grids; every lookup and child list is batched per request. */
export const GridService = unitStore<Grid>({ name: 'grid', table: 'grid.grid', columns: GRID_COLUMNS, parentColumn: 'community_code' });
