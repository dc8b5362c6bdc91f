import { Tier, unitRegistry, unitRegistryResolvers } from '@cgp/core';
import { Street, STREET_COLUMNS } from './street.type';

/** The streets' registry: created, renamed, closed or merged from a day, by the tier above; their history; registry files. */
export const streetRegistry = unitRegistry({
  tier: Tier.STREET,
  typeName: 'Street',
  plural: 'Streets',
  table: 'street.street',
  parentColumn: 'district_code',
  columns: STREET_COLUMNS,
  children: { subgraph: 'community', typeName: 'Street', field: 'communities', plural: 'Communities' },
});

export const streetRegistryApi = unitRegistryResolvers(Street, streetRegistry);
