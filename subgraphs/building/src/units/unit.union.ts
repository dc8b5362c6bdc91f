import { subgraphUnits, Tier } from '@cgp/core';
import { Building } from './building.type';
import { Grid } from './grid.type';

/** The five unit types of this subgraph (its own Building, the Grid stub it adds buildings to, stubs for the rest), the `Unit` union over them and the stubs' key rules. */
export const unitTypes = subgraphUnits({
  own: Tier.BUILDING,
  subgraphAdds: 'the building subgraph adds its building-work statistics',
  classes: { [Tier.GRID]: Grid, [Tier.BUILDING]: Building },
});
