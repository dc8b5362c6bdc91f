import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Claims } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { gqlSafelisted, preparedDatabase, startPlatform, tokenFor, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';
import { districtOverview, GraphQLRequestError, request, StreetCommunitiesDocument } from '../src';

/**
 * What a front-end team gets: every example operation of docs/examples runs through the gateway with
 * the token of the tier it is written for and answers what the demo data says; the scope rule holds;
 * and the typed client (examples/typed-client) pages through a connection with the generated types,
 * from a test and as a program.
 */
describe('consumer examples against the running platform', () => {
  const demo = generateDemo({ scale: 0.3 });
  const district = demo.districts[0];
  const streets = demo.streets.filter((s) => s.parentId === district.id);
  const [street, sibling] = streets;
  const communitiesOf = (id: string) => demo.communities.filter((c) => c.parentId === id);
  const community = communitiesOf(street.id)[0];
  const grid = demo.grids.find((g) => g.parentId === community.id)!;
  const groupOrg = demo.partyOrganisations.find((o) => o.kind === 'GROUP' && o.unitTier === 'BUILDING')!;
  const building = demo.buildings.find((b) => b.code === groupOrg.unitCode)!;
  const org = demo.socialOrganisations.find((o) => demo.pairings.some((p) => p.socialOrganisationId === o.id))!;
  const orgPairings = demo.pairings.filter((p) => p.socialOrganisationId === org.id);
  const paired = [...new Set(orgPairings.map((p) => p.communityCode))];
  const unpaired = demo.communities.find((c) => !paired.includes(c.code))!;
  const inSubtree = (path: string, code: string) => path === code || path.startsWith(`${code}.`) || path.includes(`.${code}.`) || path.endsWith(`.${code}`);

  let platform: InProcessPlatform;
  const token = (claims: Partial<Claims> & Pick<Claims, 'tier'>) => tokenFor(claims);
  const tokens: Record<string, string> = {};

  /** Runs one operation of an example file, as the front end would send it. */
  async function example(file: string, operationName: string, variables: Record<string, unknown>, as: string) {
    // A partner runs only operations of the published safelist, by hash (the examples are those operations word for word).
    if (as === 'partner') return gqlSafelisted(platform.gatewayUrl, operationName, variables, { authorization: `Bearer ${tokens[as]}` });
    const query = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'examples', `${file}.graphql`), 'utf8');
    const res = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[as]}` },
      body: JSON.stringify({ query, operationName, variables }),
    });
    return (await res.json()) as GraphQLResponse<any>;
  }

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    tokens.district = await token({ tier: 'DISTRICT', unit: district.code, roles: ['STAFF'] } as Claims);
    tokens.street = await token({ tier: 'STREET', unit: street.code, roles: ['STAFF'] } as Claims);
    tokens.community = await token({ tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'] } as Claims);
    tokens.grid = await token({ tier: 'GRID', unit: grid.code, roles: ['GRID_MANAGER'] } as Claims);
    tokens.building = await token({ tier: 'BUILDING', unit: building.code, roles: ['BUILDING_LEADER'] } as Claims);
    tokens.partner = await token({ tier: 'PARTNER', org: org.id, communities: paired, roles: [] } as never);
  });
  afterAll(() => platform?.stop());

  it('district: DistrictOverview lists every street office with its community count', async () => {
    const res = await example('district', 'DistrictOverview', { code: district.code, first: 100 }, 'district');
    expect(res.errors).toBeUndefined();
    const d = res.data.district;
    expect([d.code, d.name, d.tier]).toEqual([district.code, district.name, 'DISTRICT']);
    expect(d.partyMembers.total).toBe(demo.partyMembers.filter((m) => inSubtree(m.path, district.code)).length);
    expect(d.streets.totalCount).toBe(streets.length);
    expect(d.streets.pageInfo.hasNextPage).toBe(false);
    const counts = Object.fromEntries(d.streets.edges.map((e: any) => [e.node.code, e.node.communities.totalCount]));
    expect(counts).toEqual(Object.fromEntries(streets.map((s) => [s.code, communitiesOf(s.id).length])));
  });

  it('street: StreetCommunities for its own street; a sibling street is FORBIDDEN', async () => {
    const res = await example('street', 'StreetCommunities', { code: street.code }, 'street');
    expect(res.errors).toBeUndefined();
    expect(res.data.street.district).toEqual({ code: district.code, name: district.name });
    expect(res.data.street.communities.totalCount).toBe(communitiesOf(street.id).length);
    const byCode = Object.fromEntries(communitiesOf(street.id).map((c) => [c.code, c]));
    for (const { node } of res.data.street.communities.edges) {
      expect([node.name, node.households, node.population]).toEqual([byCode[node.code].name, byCode[node.code].households, byCode[node.code].population]);
    }
    const other = await example('street', 'StreetCommunities', { code: sibling.code }, 'street');
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(other.data?.street ?? null).toBeNull();
  });

  it('community: CommunityProfile, then UpdateCommunityProfile (and its BAD_USER_INPUT that changes nothing)', async () => {
    const res = await example('community', 'CommunityProfile', { code: community.code, first: 100 }, 'community');
    expect(res.errors).toBeUndefined();
    const c = res.data.community;
    expect([c.name, c.households, c.street.code]).toEqual([community.name, community.households, street.code]);
    expect(c.grids.totalCount).toBe(demo.grids.filter((g) => g.parentId === community.id).length);
    expect(c.partyOrganisations.map((o: any) => o.id).sort()).toEqual(
      demo.partyOrganisations
        .filter((o) => o.unitCode === community.code)
        .map((o) => o.id)
        .sort(),
    );
    expect(c.pairings.map((p: any) => p.id).sort()).toEqual(
      demo.pairings
        .filter((p) => p.communityCode === community.code)
        .map((p) => p.id)
        .sort(),
    );

    const updated = await example(
      'community',
      'UpdateCommunityProfile',
      { code: community.code, input: { households: community.households + 7 } },
      'community',
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateCommunityProfile.households).toBe(community.households + 7);
    const refused = await example('community', 'UpdateCommunityProfile', { code: community.code, input: { households: -1, staff: 3 } }, 'community');
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const after = await example('community', 'CommunityProfile', { code: community.code }, 'community');
    expect([after.data.community.households, after.data.community.staff]).toEqual([community.households + 7, c.staff]);
  });

  it('grid: GridBuildings, two pages joined by the cursor, are exactly the grid’s buildings', async () => {
    const expected = demo.buildings.filter((b) => b.parentId === grid.id);
    const first = await example('grid', 'GridBuildings', { code: grid.code, first: 1 }, 'grid');
    expect(first.errors).toBeUndefined();
    expect(first.data.grid.buildings.totalCount).toBe(expected.length);
    const codes = first.data.grid.buildings.edges.map((e: any) => e.node.code);
    let page = first.data.grid.buildings.pageInfo;
    while (page.hasNextPage) {
      const next = await example('grid', 'GridBuildings', { code: grid.code, first: 1, after: page.endCursor }, 'grid');
      codes.push(...next.data.grid.buildings.edges.map((e: any) => e.node.code));
      page = next.data.grid.buildings.pageInfo;
    }
    expect(codes.sort()).toEqual(expected.map((b) => b.code).sort());
    expect(first.data.grid.community).toEqual({ code: community.code, name: community.name });
  });

  it('building: BuildingPartyGroup shows its party group with unmasked members to its own leader', async () => {
    const res = await example('building', 'BuildingPartyGroup', { code: building.code, first: 100 }, 'building');
    expect(res.errors).toBeUndefined();
    const orgs = res.data.building.partyOrganisations;
    expect(orgs.map((o: any) => o.name).sort()).toEqual(
      demo.partyOrganisations
        .filter((o) => o.unitCode === building.code)
        .map((o) => o.name)
        .sort(),
    );
    const group = orgs.find((o: any) => o.name === groupOrg.name);
    const members = demo.partyMembers.filter((m) => m.organisationId === groupOrg.id);
    expect(group.members.totalCount).toBe(members.length);
    expect(group.members.edges.map((e: any) => `${e.node.name} ${e.node.phone}`).sort()).toEqual(members.map((m) => `${m.name} ${m.phone}`).sort());
  });

  it('dashboard: UnitDashboard — trend months add up to the period figure, the ranking ranks the street offices', async () => {
    const from = '2025-01-01';
    const to = '2026-01-01';
    const res = await example('dashboard', 'UnitDashboard', { code: district.code, from, to, first: 5 }, 'district');
    expect(res.errors).toBeUndefined();
    const d = res.data.unit;
    expect(d.__typename).toBe('District');
    expect(d.caseTrend.map((m: any) => m.month)).toEqual(Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`));
    expect(d.caseTrend.reduce((sum: number, m: any) => sum + m.reported, 0)).toBe(d.caseStatistics.reportedInPeriod);
    expect(d.caseTrend.reduce((sum: number, m: any) => sum + m.closed, 0)).toBe(d.caseStatistics.closedInPeriod);
    expect(d.caseRanking.length).toBe(Math.min(5, streets.length));
    for (const r of d.caseRanking) expect(streets.map((s) => s.code)).toContain(r.code);
    expect(d.caseRanking.map((r: any) => r.rank)).toEqual([...d.caseRanking.map((r: any) => r.rank)].sort((a: number, b: number) => a - b));
    expect(d.partyMembers.total).toBe(demo.partyMembers.filter((m) => inSubtree(m.path, district.code)).length);
    const streetView = await example('dashboard', 'UnitDashboard', { code: street.code }, 'street');
    expect(streetView.errors).toBeUndefined();
    expect(streetView.data.unit.__typename).toBe('Street');
    const siblingView = await example('dashboard', 'UnitDashboard', { code: sibling.code }, 'street');
    expect(siblingView.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('partner: PartnerOrganisation and the public figures of its paired communities, nothing of the others', async () => {
    const res = await example('partner', 'PartnerOrganisation', {}, 'partner');
    expect(res.errors).toBeUndefined();
    expect(res.data.myOrganisation.id).toBe(org.id);
    expect(res.data.myOrganisation.name).toBe(org.name);
    expect(res.data.myOrganisation.pairings.map((p: any) => p.id).sort()).toEqual(orgPairings.map((p) => p.id).sort());
    const figures = await example('partner', 'PartnerCommunityStatistics', { code: paired[0] }, 'partner');
    expect(figures.errors).toBeUndefined();
    expect(figures.data.community.code).toBe(paired[0]);
    const refused = await example('partner', 'PartnerCommunityStatistics', { code: unpaired.code }, 'partner');
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('the typed client pages through every street office, with the generated types', async () => {
    const client = { endpoint: platform.gatewayUrl, token: tokens.district };
    const overview = await districtOverview(client, district.code, 1);
    expect(overview).toEqual({
      code: district.code,
      name: district.name,
      partyMembers: demo.partyMembers.filter((m) => inSubtree(m.path, district.code)).length,
      streets: expect.any(Array),
    });
    expect(overview!.streets.map((s) => [s.code, s.name, s.communities.totalCount]).sort()).toEqual(
      streets.map((s) => [s.code, s.name, communitiesOf(s.id).length]).sort(),
    );
    // A district that does not exist, asked by its own (hypothetical) staff: null, not an error.
    const nowhere = await token({ tier: 'DISTRICT', unit: '411699', roles: ['STAFF'] } as Claims);
    expect(await districtOverview({ endpoint: platform.gatewayUrl, token: nowhere }, '411699')).toBeNull();
    // Errors arrive typed, with their codes.
    const forbidden = await request({ endpoint: platform.gatewayUrl, token: tokens.street }, StreetCommunitiesDocument, { code: sibling.code }).catch(
      (e: unknown) => e,
    );
    expect(forbidden).toBeInstanceOf(GraphQLRequestError);
    expect((forbidden as GraphQLRequestError<unknown>).codes).toEqual(['FORBIDDEN']);
  });

  it('the typed client runs as a program (examples/typed-client/dist/main.js)', async () => {
    const main = join(__dirname, '..', 'dist', 'main.js');
    const child = spawn(process.execPath, [main, district.code], {
      env: { PATH: process.env.PATH, TOKEN: tokens.district, GRAPHQL_URL: platform.gatewayUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(out).toContain(`${district.name} (${district.code}): ${streets.length} street offices`);
    for (const s of streets) expect(out).toContain(`${s.code} ${s.name}: ${communitiesOf(s.id).length} communities`);
  });
});
