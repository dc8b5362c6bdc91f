import { unitRegistryMigrationClass } from '@cgp/core';

/** Units over time (issue 14): community.community gains its life (established, closed, successor) and its history (unit_event). */
export const CommunityUnitRegistry1732000110000 = unitRegistryMigrationClass('community.community', 'CommunityUnitRegistry1732000110000');
