import { subgraphUnits, Tier } from '@cgp/core';
import { Community } from './community.type';

/** The five unit types of this subgraph (the Community stub it adds pairings to, fresh stubs for the rest: it owns no unit), the `Unit` union over them and the stubs' key rules. */
export const unitTypes = subgraphUnits({ subgraphAdds: 'the pairing subgraph adds its pairing statistics', classes: { [Tier.COMMUNITY]: Community } });
