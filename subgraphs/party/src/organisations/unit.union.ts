import { subgraphUnits, Tier } from '@cgp/core';

/** The five unit types as this subgraph sees them (it owns none: a stub of each, which its features add party fields to), the `Unit` union over them and the stubs' key rules. */
export const unitTypes = subgraphUnits({ subgraphAdds: 'the party subgraph adds its party organisations', classes: {} });

/** How the descriptions of the fields added to each tier's unit name it. */
export const UNIT_LABELS: Record<Tier, string> = {
  [Tier.DISTRICT]: 'district',
  [Tier.STREET]: 'street office',
  [Tier.COMMUNITY]: 'community',
  [Tier.GRID]: 'grid',
  [Tier.BUILDING]: 'building',
};
