import { subgraphUnits, Tier } from '@cgp/core';
import { Community } from './community.type';
import { Grid } from './grid.type';

/** The five unit types of this subgraph (its own Grid, the Community stub it adds grids to, stubs for the rest), the `Unit` union over them and the stubs' key rules. */
export const unitTypes = subgraphUnits({
  own: Tier.GRID,
  subgraphAdds: 'the grid subgraph adds its case statistics',
  classes: { [Tier.COMMUNITY]: Community, [Tier.GRID]: Grid },
});
