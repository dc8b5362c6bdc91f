import { Tier, unitResolvers } from '@cgp/core';
import { District } from './district.type';
import { Street } from './street.type';
import { StreetService } from './street.service';

/** Query.street and Query.streets, Street.district and District.streets, with their rules (core's unitResolvers). */
export const streetQueries = unitResolvers({
  type: Street,
  tier: Tier.STREET,
  field: 'street',
  listField: 'streets',
  label: 'street office',
  plural: 'street offices',
  store: StreetService,
  parent: { type: District, field: 'district', label: 'district', code: (unit) => unit.districtCode },
});
