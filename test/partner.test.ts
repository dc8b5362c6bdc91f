import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';

/** A partner organisation through the API: its own organisation and pairings, the paired communities' names, nothing else. */
describe('partner organisation access', () => {
  const demo = generateDemo({ scale: 0.3 });
  const org = demo.socialOrganisations[0];
  const own = demo.pairings.filter((p) => p.socialOrganisationId === org.id);
  const paired = own.map((p) => p.communityCode);
  const unpaired = demo.communities.find((c) => !paired.includes(c.code))!;
  const othersPairing = demo.pairings.find((p) => p.socialOrganisationId !== org.id)!;
  let platform: InProcessPlatform;
  let headers: Record<string, string>;
  const q = (query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, headers);

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    headers = await authHeader({ tier: 'PARTNER', org: org.id, communities: paired, roles: [] } as never);
  });
  afterAll(() => platform?.stop());

  it('sees its own organisation and pairings, with the paired communities’ names', async () => {
    const res = await q(`{ myOrganisation { ... on SocialOrganisation { id name pairings { id active community { code name } } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.myOrganisation.name).toBe(org.name);
    expect(res.data.myOrganisation.pairings.map((p: any) => p.id).sort()).toEqual(own.map((p) => p.id).sort());
    for (const p of res.data.myOrganisation.pairings) {
      expect(p.community.name).toBe(demo.communities.find((c) => c.code === p.community.code)!.name);
    }
    const list = await q(`{ socialOrganisations { totalCount edges { node { id } } } }`);
    expect(list.data.socialOrganisations).toEqual({ totalCount: 1, edges: [{ node: { id: org.id } }] });
  });

  it('gets nothing else: no community figures, residents or party data, no other communities, no other partners’ pairings', async () => {
    const figures = await q(`query ($c: String!) { community(code: $c) { name households } }`, { c: paired[0] });
    expect(figures.errors?.[0]).toMatchObject({ path: ['community', 'households'], extensions: { code: 'FORBIDDEN' } });
    const party = await q(`query ($c: String!) { community(code: $c) { partyOrganisations { name } } }`, { c: paired[0] });
    expect(party.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const other = await q(`query ($c: String!) { community(code: $c) { name } }`, { c: unpaired.code });
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(other.data?.community ?? null).toBeNull();
    const list = await q(`{ communities { totalCount } }`);
    expect(list.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const pairing = await q(`query ($id: ID!) { pairing(id: $id) { id } }`, { id: othersPairing.id });
    expect(pairing.data?.pairing ?? null).toBeNull();
    const members = await q(`query ($id: ID!) { partyMember(id: $id) { name } }`, { id: demo.partyMembers[0].id });
    expect(members.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const change = await q(`mutation ($c: String!) { updateCommunityProfile(code: $c, input: { staff: 1 }) { staff } }`, { c: paired[0] });
    expect(change.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
