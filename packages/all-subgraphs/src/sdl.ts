import { join } from 'node:path';
import { printSubgraphSchema } from '@apollo/subgraph';
import type { SubgraphDefinition } from '@cgp/core';

/**
 * Each subgraph's SDL is committed beside its code, in subgraphs/<name>/schema.graphql: it is the
 * subgraph's published contract. Composition (gateway/src/compose.ts) reads these files and never the
 * subgraphs' code; `pnpm compose` prints them first (print-sdl.ts), and a test fails when a committed
 * file differs from what its subgraph prints now.
 */
export function subgraphSdlPath(name: string): string {
  return join(__dirname, '..', '..', '..', 'subgraphs', name, 'schema.graphql');
}

/** What subgraphs/<name>/schema.graphql holds: a header, then the subgraph's federated SDL as @apollo/subgraph prints it. */
export async function printSubgraphSdl(def: SubgraphDefinition): Promise<string> {
  const sdl = printSubgraphSchema(await def.buildSchema());
  return `# The ${def.name} subgraph's SDL, printed from its code by \`pnpm compose\` (packages/all-subgraphs); composition reads this file. Do not edit.\n\n${sdl}\n`;
}
