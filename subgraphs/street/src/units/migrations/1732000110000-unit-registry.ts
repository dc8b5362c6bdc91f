import { unitRegistryMigrationClass } from '@cgp/core';

/** Units over time (issue 14): street.street gains its life (established, closed, successor) and its history (unit_event). */
export const StreetUnitRegistry1732000110000 = unitRegistryMigrationClass('street.street', 'StreetUnitRegistry1732000110000');
