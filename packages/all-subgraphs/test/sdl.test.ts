import { readFileSync } from 'node:fs';
import { SUBGRAPH_NAMES } from '@cgp/core';
import { printSubgraphSdl, SUBGRAPHS, subgraphSdlPath } from '../src';

/*
 * Composition (gateway/src/compose.ts) reads each subgraph's committed SDL, never its code: the files
 * must say what the code serves. `pnpm compose` prints them again.
 */
describe("each subgraph's committed SDL", () => {
  it('lists the seven subgraphs in the order of core SUBGRAPH_NAMES (the order composition reads them in)', () => {
    expect(SUBGRAPHS.map((d) => d.name)).toEqual([...SUBGRAPH_NAMES]);
  });

  it.each(SUBGRAPHS.map((def) => [def.name, def] as const))(
    'subgraphs/%s/schema.graphql is what the subgraph prints now (run `pnpm compose` when it is not)',
    async (_name, def) => {
      const committed = readFileSync(subgraphSdlPath(def.name), 'utf8');
      expect(committed).toMatch(/^# The \w+ subgraph's SDL/);
      expect(committed).toBe(await printSubgraphSdl(def));
    },
  );
});
