import { unitRegistryMigrationClass } from '@cgp/core';

/** Units over time (issue 14): building.building gains its life (established, closed, successor) and its history (unit_event). */
export const BuildingUnitRegistry1732000110000 = unitRegistryMigrationClass('building.building', 'BuildingUnitRegistry1732000110000');
