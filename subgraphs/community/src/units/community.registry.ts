import { Tier, unitRegistry, unitRegistryResolvers } from '@cgp/core';
import { Community, COMMUNITY_COLUMNS } from './community.type';

/** The communities' registry: created, renamed, closed or merged from a day, by the tier above; their history; registry files. */
export const communityRegistry = unitRegistry({
  tier: Tier.COMMUNITY,
  typeName: 'Community',
  plural: 'Communities',
  table: 'community.community',
  parentColumn: 'street_code',
  columns: COMMUNITY_COLUMNS,
  copyColumns: ['households', 'population', 'staff'],
  children: { subgraph: 'grid', typeName: 'Community', field: 'grids', plural: 'Grids' },
});

export const communityRegistryApi = unitRegistryResolvers(Community, communityRegistry);
