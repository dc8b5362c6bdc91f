import type { SubgraphDefinition } from '@cgp/core';
import { buildingSubgraph } from '@cgp/subgraph-building';
import { communitySubgraph } from '@cgp/subgraph-community';
import { districtSubgraph } from '@cgp/subgraph-district';
import { gridSubgraph } from '@cgp/subgraph-grid';
import { pairingSubgraph } from '@cgp/subgraph-pairing';
import { partySubgraph } from '@cgp/subgraph-party';
import { streetSubgraph } from '@cgp/subgraph-street';

/** The seven subgraphs, in the order their tiers run top to bottom (core's SUBGRAPH_NAMES). */
export const SUBGRAPHS: readonly SubgraphDefinition[] = [
  districtSubgraph,
  streetSubgraph,
  communitySubgraph,
  gridSubgraph,
  buildingSubgraph,
  partySubgraph,
  pairingSubgraph,
];
