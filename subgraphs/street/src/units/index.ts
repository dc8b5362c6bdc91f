import { defineFeature } from '@cgp/core';
import { StreetUnitRegistry1732000110000 } from './migrations/1732000110000-unit-registry';
import { streetRegistryApi } from './street.registry';
import { CreateStreet1732000000000 } from './migrations/1732000000000-create-street';
import { StreetRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { streetQueries } from './street.resolver';
import { streetReference } from './street.reference';
import { seedStreets } from './street.seed';
import { unitTypes } from './unit.union';

/** The street offices themselves: Query.street(s), District.streets, the Street entity, and the unit stubs the other features add to. */
export const units = defineFeature({
  name: 'units',
  resolvers: [...streetQueries.resolvers, ...streetRegistryApi.resolvers],
  orphanedTypes: unitTypes.stubTypes,
  permissions: [...streetQueries.permissions, unitTypes.permissions, streetRegistryApi.permissions],
  references: streetReference,
  migrations: [CreateStreet1732000000000, StreetRowLevelSecurity1732000001000, StreetUnitRegistry1732000110000],
  seed: seedStreets,
});
