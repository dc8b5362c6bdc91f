import { unitRegistryMigrationClass } from '@cgp/core';

/** Units over time (issue 14): district.district gains its life (established, closed, successor) and its history (unit_event). */
export const DistrictUnitRegistry1732000110000 = unitRegistryMigrationClass('district.district', 'DistrictUnitRegistry1732000110000');
