import { sqlStatements } from '@cgp/core';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { districtStaff, gql, NO_COST_LIMIT, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';

/**
 * No N+1: the statements a query walking the whole hierarchy (and out to party and pairing) costs
 * must not grow with the number of units. Run at two data sizes and compare, subgraph by subgraph.
 */
const WALK = `{
  district(code: "411602") {
    partyOrganisations { name }
    streets(first: 100) { edges { node { code district { code }
      partyOrganisations { name }
      communities(first: 100) { totalCount edges { node { code street { code name }
        partyMembers { total inService } partyOrganisations { name memberCount members(first: 5) { totalCount edges { node { name phone organisation { name } } } } }
        pairings { active partner { __typename ... on SocialOrganisation { name pairings { id } } ... on Enterprise { name } } }
        grids(first: 100) { totalCount edges { node { code community { name }
          buildings(first: 100) { totalCount edges { node { code grid { name } partyOrganisations { name parent { name } } } } }
        } } }
      } } }
    } } }
  }
}`;

async function statementsFor(scale: number): Promise<{ perSubgraph: Record<string, number>; units: number }> {
  const platform: InProcessPlatform = await startPlatform(await preparedDatabase({ scale }), SUBGRAPHS, NO_COST_LIMIT);
  try {
    sqlStatements.reset();
    const res = await gql(platform.gatewayUrl, WALK, undefined, await districtStaff());
    expect(res.errors).toBeUndefined();
    const perSubgraph = sqlStatements.snapshot();
    const streets = res.data.district.streets.edges;
    const units = streets.reduce(
      (n: number, s: any) =>
        n +
        1 +
        s.node.communities.edges.reduce(
          (m: number, c: any) => m + 1 + c.node.grids.edges.reduce((k: number, g: any) => k + 1 + g.node.buildings.edges.length, 0),
          0,
        ),
      0,
    );
    return { perSubgraph, units };
  } finally {
    await platform.stop();
  }
}

describe('SQL statements per query', () => {
  it('do not grow with the number of units (DataLoader batching across the federation)', async () => {
    const small = await statementsFor(0.1);
    const large = await statementsFor(0.5);

    console.log(`hierarchy walk: ${small.units} units -> ${JSON.stringify(small.perSubgraph)}; ${large.units} units -> ${JSON.stringify(large.perSubgraph)}`);
    expect(large.units).toBeGreaterThan(small.units * 3);
    expect(large.perSubgraph).toEqual(small.perSubgraph);
    for (const name of ['district', 'street', 'community', 'grid', 'building', 'party', 'pairing']) {
      expect(small.perSubgraph[name]).toBeGreaterThan(0);
    }
  });
});
