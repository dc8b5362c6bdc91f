import { defineFeature } from '@cgp/core';
import { DistrictUnitRegistry1732000110000 } from './migrations/1732000110000-unit-registry';
import { districtQueries, unitPermissions, UnitResolver } from './district.resolver';
import { districtReference } from './district.reference';
import { seedDistricts } from './district.seed';
import { CreateDistrict1732000000000 } from './migrations/1732000000000-create-district';
import { DistrictRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { stubTypes, unitTypes } from './unit.union';

/** The districts themselves: Query.district(s), Query.unit (any tier by code), the District entity, the unit stubs the assessments feature adds to. */
export const units = defineFeature({
  name: 'units',
  resolvers: [...districtQueries.resolvers, UnitResolver],
  orphanedTypes: stubTypes,
  permissions: [...districtQueries.permissions, unitPermissions, unitTypes.permissions],
  references: districtReference,
  migrations: [CreateDistrict1732000000000, DistrictRowLevelSecurity1732000001000, DistrictUnitRegistry1732000110000],
  seed: seedDistricts,
});
