import { generateDemo } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { districtStaff, gql, NO_COST_LIMIT, preparedDatabase, startPlatform, TOPOLOGY_CASES, type InProcessPlatform } from '@cgp/testing';

/**
 * The whole federated graph, seven subgraphs and the gateway, on a real PostgreSQL with a small demo
 * district: in both topologies, the gateway reaching the subgraphs over HTTP (separate processes) and
 * calling them in-process (one process).
 */
describe.each(TOPOLOGY_CASES)('federated graph through the gateway (%s topology)', (topology) => {
  const demo = generateDemo({ scale: 0.1 });
  let platform: InProcessPlatform;
  let auth: Record<string, string>;
  const query = (q: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, q, variables, auth);

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }), SUBGRAPHS, { ...NO_COST_LIMIT, topology });
    auth = await districtStaff();
  });
  afterAll(() => platform?.stop());

  it('walks the hierarchy down from the district to a building and back up', async () => {
    const res = await query(`{
      district(code: "411602") {
        code name tier
        streets(first: 100) { totalCount edges { node { code tier district { code name }
          communities(first: 100) { totalCount edges { node { code name tier households street { code }
            grids(first: 100) { totalCount edges { node { code tier community { code name }
              buildings(first: 100) { totalCount edges { node { code tier floors grid { code community { street { district { code } } } } } } }
            } } }
          } } }
        } } }
      }
    }`);
    expect(res.errors).toBeUndefined();
    const district = res.data.district;
    expect(district).toMatchObject({ code: '411602', name: '川汇区', tier: 'DISTRICT' });
    expect(district.streets.totalCount).toBe(demo.streets.length);
    const communities = district.streets.edges.flatMap((s: any) => s.node.communities.edges.map((c: any) => c.node));
    expect(communities).toHaveLength(demo.communities.length);
    const grids = communities.flatMap((c: any) => c.grids.edges.map((g: any) => g.node));
    expect(grids).toHaveLength(demo.grids.length);
    const buildings = grids.flatMap((g: any) => g.buildings.edges.map((b: any) => b.node));
    expect(buildings).toHaveLength(demo.buildings.length);
    for (const b of buildings) {
      expect(b.tier).toBe('BUILDING');
      expect(b.code.startsWith(b.grid.code)).toBe(true);
      expect(b.grid.community.street.district.code).toBe('411602');
    }
    const first = demo.streets[0];
    const street = district.streets.edges.find((e: any) => e.node.code === first.code).node;
    expect(street.district).toEqual({ code: '411602', name: '川汇区' });
    expect(street.communities.totalCount).toBe(demo.communities.filter((c) => c.parentId === first.id).length);
  });

  it('reaches party organisations, members and pairings from a community', async () => {
    const community = demo.communities[0];
    const res = await query(
      `query ($code: String!) { community(code: $code) {
        name
        partyOrganisations { name kind category members(first: 3) { totalCount edges { node { name kind organisation { name } } } } }
        pairings { active community { code } partner { __typename ... on SocialOrganisation { name field } ... on Enterprise { name employees } } }
      } }`,
      { code: community.code },
    );
    expect(res.errors).toBeUndefined();
    const c = res.data.community;
    expect(c.name).toBe(community.name);
    const expectedOrgs = demo.partyOrganisations.filter((o) => o.unitId === community.id);
    expect(c.partyOrganisations.map((o: any) => o.name).sort()).toEqual(expectedOrgs.map((o) => o.name).sort());
    const general = c.partyOrganisations.find((o: any) => o.kind === 'GENERAL_BRANCH' || o.kind === 'COMMUNITY_COMMITTEE');
    const generalSeed = expectedOrgs.find((o) => o.name === general.name)!;
    expect(general.members.totalCount).toBe(demo.partyMembers.filter((m) => m.organisationId === generalSeed.id).length);
    expect(general.members.edges[0].node.organisation.name).toBe(general.name);
    const expectedPairings = demo.pairings.filter((p) => p.communityId === community.id);
    expect(c.pairings).toHaveLength(expectedPairings.length);
    for (const p of c.pairings) expect(p.community.code).toBe(community.code);
  });

  it('looks a unit up by code at any tier, and answers null for a code that names nothing', async () => {
    const grid = demo.grids[1];
    const res = await query(
      `query ($g: String!) {
      g: unit(code: $g) { __typename ... on Grid { code name community { code } } }
      d: unit(code: "411602") { __typename ... on District { name } }
      missing: grid(code: "411602999999999") { code }
      noStreet: street(code: "411602099") { code }
      noUnit: unit(code: "411602099001") { __typename ... on Community { code name } }
    }`,
      { g: grid.code },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.g).toEqual({ __typename: 'Grid', code: grid.code, name: grid.name, community: { code: grid.code.slice(0, 12) } });
    expect(res.data.d).toEqual({ __typename: 'District', name: '川汇区' });
    expect(res.data.missing).toBeNull();
    expect(res.data.noStreet).toBeNull();
    expect(res.data.noUnit).toBeNull();
  });

  it('refuses a malformed code with BAD_USER_INPUT saying what a code looks like', async () => {
    const res = await query(`{ street(code: "4116020") { code } }`);
    expect(res.data?.street).toBeNull();
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/not a unit code/);
    const wrongTier = await query(`{ community(code: "411602001") { code } }`);
    expect(wrongTier.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(wrongTier.errors?.[0].message).toMatch(/community code has 12 digits/);
  });

  it('pages through children with cursors, keeping totalCount for the whole list', async () => {
    const street = demo.streets[0];
    const all = demo.communities
      .filter((c) => c.parentId === street.id)
      .map((c) => c.code)
      .sort();
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res: any = await query(
        `query ($code: String!, $after: String) { street(code: $code) { communities(first: 1, after: $after) { totalCount edges { node { code } } pageInfo { hasNextPage endCursor } } } }`,
        { code: street.code, after },
      );
      expect(res.errors).toBeUndefined();
      const page = res.data.street.communities;
      expect(page.totalCount).toBe(all.length);
      seen.push(...page.edges.map((e: any) => e.node.code));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('refuses bad pagination arguments with BAD_USER_INPUT', async () => {
    const tooMany = await query(`{ district(code: "411602") { streets(first: 1000) { totalCount } } }`);
    expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0].message).toMatch(/first must be between 1 and 100/);
    const badCursor = await query(`{ streets(after: "bogus") { totalCount } }`);
    expect(badCursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(badCursor.errors?.[0].message).toMatch(/not a cursor/);
  });

  it('hides internal errors: no SQL or stack traces in responses', async () => {
    const res = await query(`{ district(code: "411602") { streets(first: 5) { edges { node { code } } } } }`);
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|SELECT|at .*\.js/);
  });
});
