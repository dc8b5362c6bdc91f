import { unitRegistryMigrationClass } from '@cgp/core';

/** Units over time (issue 14): grid.grid gains its life (established, closed, successor) and its history (unit_event). */
export const GridUnitRegistry1732000110000 = unitRegistryMigrationClass('grid.grid', 'GridUnitRegistry1732000110000');
