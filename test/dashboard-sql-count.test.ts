import { join } from 'node:path';
import { sqlStatements } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { DASHBOARD_DIR } from '@cgp/gateway';
import { districtStaff, gql, preparedDatabase, startPlatform } from '@cgp/testing';

/**
 * The dashboard's queries cost a fixed number of SQL statements per subgraph, whatever the number of
 * units: every statistics field is one statement for all the units a request asks about. Measured at two
 * sizes of the demo district, under the gateway's default operation limits (no limit lifted):
 *   - the district's dashboard query exactly as the page sends it (figures.js builds it for the page),
 *     then the ranking queries of every metric the page offers a district;
 *   - every figure and trend of every community of the district, through its streets.
 */

// The page's own query builders: the test sends exactly what the browser sends.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const figures = require(join(DASHBOARD_DIR, 'figures.js'));

const DISTRICT = '411602';
const PERIOD = figures.periodOf('last12');

/** Streets → communities → every figure and trend the page shows for a community. Page sizes hold the whole demo district. */
function everyCommunityQuery(): { query: string; variables: Record<string, unknown> } {
  const used = new Set<string>();
  const selections: string[] = figures.figureSelections('COMMUNITY', used);
  const { declarations, values } = figures.variablesOf(used, PERIOD, { code: DISTRICT });
  const query = `query EveryCommunity(${declarations}) {
  district(code: $code) {
    streets(first: 10) { totalCount edges { node { code
      communities(first: 20) { totalCount edges { node { code name
        ${selections.join('\n        ')}
      } } }
    } } }
  }
}`;
  return { query, variables: values };
}

interface Measure {
  perSubgraph: Record<string, number>;
  communities: number;
}

/** The statements each subgraph ran while `send` asked its queries. */
async function measure(send: () => Promise<number>): Promise<Measure> {
  sqlStatements.reset();
  const communities = await send();
  return { perSubgraph: sqlStatements.snapshot(), communities };
}

async function statementsAt(scale: number) {
  const demo = generateDemo({ scale });
  // The gateway's default limits: the page's queries must fit them.
  const platform = await startPlatform(await preparedDatabase({ dataset: demo }), SUBGRAPHS);
  try {
    const headers = await districtStaff(DISTRICT);
    const q = (query: string, variables: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, headers);

    const page = await measure(async () => {
      const { query, variables } = figures.unitQuery('DISTRICT', DISTRICT, PERIOD);
      const res = await q(query, variables);
      expect(res.errors).toBeUndefined();
      expect(res.data.unit.streets.totalCount).toBe(demo.streets.length);
      expect(res.data.unit.streets.edges).toHaveLength(demo.streets.length);
      // Real figures: every party member of the district.
      expect(res.data.unit.partyStatistics.members).toBe(demo.partyMembers.length);
      return demo.communities.length;
    });

    const rankings = await measure(async () => {
      const choices = figures.rankingsFor('DISTRICT');
      expect(choices.length).toBeGreaterThan(30);
      for (const choice of choices) {
        const { query, variables } = figures.rankingQuery('DISTRICT', DISTRICT, choice, PERIOD);
        const res = await q(query, variables);
        expect({ choice: choice.id, errors: res.errors }).toEqual({ choice: choice.id, errors: undefined });
        // Children with nothing to rank by are left out (e.g. no assessment that year).
        expect(res.data.unit.ranking.length).toBeLessThanOrEqual(demo.streets.length);
      }
      return demo.communities.length;
    });

    const everyCommunity = await measure(async () => {
      const { query, variables } = everyCommunityQuery();
      const res = await q(query, variables);
      expect(res.errors).toBeUndefined();
      const streets = res.data.district.streets;
      expect(streets.edges).toHaveLength(streets.totalCount);
      const communities = streets.edges.flatMap((s: any) => {
        expect(s.node.communities.edges).toHaveLength(s.node.communities.totalCount);
        return s.node.communities.edges.map((c: any) => c.node);
      });
      // Every community of the district, each with its own figures (the profiles' population, summed per street).
      expect(communities.map((c: any) => c.code).sort()).toEqual(demo.communities.map((c) => c.code).sort());
      for (const c of communities) expect(c.populationStatistics.population).toBe(demo.communities.find((d) => d.code === c.code)!.population);
      return communities.length;
    });

    return { page, rankings, everyCommunity };
  } finally {
    await platform.stop();
  }
}

type Measures = Awaited<ReturnType<typeof statementsAt>>;

describe('SQL statements of the dashboard', () => {
  // Each size starts its own platform on its own database: minutes under load, so outside the tests' timeout.
  let small: Measures;
  let large: Measures;
  beforeAll(async () => {
    small = await statementsAt(0.1);
  }, 600_000);
  beforeAll(async () => {
    large = await statementsAt(0.3);
  }, 600_000);

  const QUERIES = {
    page: 'the district dashboard query as the page sends it',
    rankings: 'the ranking queries of every metric offered to a district',
    everyCommunity: 'every figure and trend of every community of the district',
  } as const;

  it.each(Object.entries(QUERIES) as [keyof typeof QUERIES, string][])('%s (%s): the same statements per subgraph at both sizes', (name) => {
    console.log(
      `${name}: ${small[name].communities} communities -> ${JSON.stringify(small[name].perSubgraph)}; ${large[name].communities} communities -> ${JSON.stringify(large[name].perSubgraph)}`,
    );
    expect(large[name].communities).toBeGreaterThan(small[name].communities * 2);
    expect(large[name].perSubgraph).toEqual(small[name].perSubgraph);
  });

  it('asks every subgraph: each contributes figures to the page and to every community', () => {
    for (const name of ['district', 'street', 'community', 'grid', 'building', 'party', 'pairing']) {
      expect({ subgraph: name, page: small.page.perSubgraph[name] > 0, everyCommunity: small.everyCommunity.perSubgraph[name] > 0 }).toEqual({
        subgraph: name,
        page: true,
        everyCommunity: true,
      });
    }
  });
});
