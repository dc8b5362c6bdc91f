import { subgraphUnits, Tier } from '@cgp/core';
import { Building } from './building.type';
import { Community } from './community.type';
import { Grid } from './grid.type';
import { Street } from './street.type';

/**
 * The five unit types of this subgraph (its own Community; the Street, Grid and Building stubs it adds communities, livelihood
 * agents and households to; a District stub), the `Unit` union over them and the stubs' key rules.
 */
export const unitTypes = subgraphUnits({
  own: Tier.COMMUNITY,
  subgraphAdds: 'the community subgraph adds its population and community-work statistics',
  classes: { [Tier.STREET]: Street, [Tier.COMMUNITY]: Community, [Tier.GRID]: Grid, [Tier.BUILDING]: Building },
});
