import { subgraphUnits } from '@cgp/core';

/** The five unit types as this subgraph sees them (it owns none: a stub of each, which its features add party fields to), the `Unit` union over them and the stubs' key rules. */
export const unitTypes = subgraphUnits({ subgraphAdds: 'the party subgraph adds its party organisations', classes: {} });
