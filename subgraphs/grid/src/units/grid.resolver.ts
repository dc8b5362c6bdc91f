import { Tier, unitResolvers } from '@cgp/core';
import { Community } from './community.type';
import { Grid } from './grid.type';
import { GridService } from './grid.service';

/** Query.grid and Query.grids, Grid.community and Community.grids, with their rules (core's unitResolvers). */
export const gridQueries = unitResolvers({
  type: Grid,
  tier: Tier.GRID,
  field: 'grid',
  listField: 'grids',
  label: 'grid',
  plural: 'grids',
  store: GridService,
  parent: { type: Community, field: 'community', label: 'community', code: (unit) => unit.communityCode },
});
