import { subgraphUnits, Tier } from '@cgp/core';
import { Community } from './community.type';
import { District } from './district.type';
import { Street } from './street.type';

/** The five unit types of this subgraph (its own Street, the District and Community stubs it adds fields to, stubs for the rest), the `Unit` union over them and the stubs' key rules. */
export const unitTypes = subgraphUnits({
  own: Tier.STREET,
  subgraphAdds: 'the street subgraph adds its task statistics',
  classes: { [Tier.DISTRICT]: District, [Tier.STREET]: Street, [Tier.COMMUNITY]: Community },
});
