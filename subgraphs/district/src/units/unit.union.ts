import { subgraphUnits, Tier } from '@cgp/core';
import { Building } from './building.type';
import { Community } from './community.type';
import { District } from './district.type';
import { Grid } from './grid.type';
import { Street } from './street.type';

/** The five unit types of this subgraph (its own District, the stubs it adds assessments to or names in the Unit union), the `Unit` union over them and the stubs' key rules. */
export const unitTypes = subgraphUnits({
  own: Tier.DISTRICT,
  subgraphAdds: 'the district subgraph adds its assessment figures',
  classes: { [Tier.DISTRICT]: District, [Tier.STREET]: Street, [Tier.COMMUNITY]: Community, [Tier.GRID]: Grid, [Tier.BUILDING]: Building },
});

/** The stubs the schema needs though no field of this subgraph's own returns them. */
export const stubTypes = [Street, Community, Grid, Building];
