import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, gqlSafelisted, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';

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
  /**
   * A partner's ad-hoc operation: refused at the gateway (partners run only safelisted operations, by
   * hash); then the same asked of the subgraph that serves it, directly, whose own answer is returned.
   */
  const q = async (subgraph: string, query: string, variables?: Record<string, unknown>) => {
    const refused = await gql(platform.gatewayUrl, query, variables, headers);
    expect(refused.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    expect(refused.data ?? null).toBeNull();
    return gql(platform.subgraphs[subgraph].url, query, variables, headers);
  };
  const entity = (typename: string, selection: string) => `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`;

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    headers = await authHeader({ tier: 'PARTNER', org: org.id, communities: paired, roles: [] } as never);
  });
  afterAll(() => platform?.stop());

  it('sees its own organisation and pairings, with the paired communities’ names', async () => {
    const res = await gqlSafelisted(platform.gatewayUrl, 'PartnerOrganisation', {}, headers);
    expect(res.errors).toBeUndefined();
    expect(res.data.myOrganisation.name).toBe(org.name);
    expect(res.data.myOrganisation.pairings.map((p: any) => p.id).sort()).toEqual(own.map((p) => p.id).sort());
    for (const p of res.data.myOrganisation.pairings) {
      expect(p.community.name).toBe(demo.communities.find((c) => c.code === p.community.code)!.name);
    }
    const list = await q('pairing', `{ socialOrganisations { totalCount edges { node { id } } } }`);
    expect(list.data.socialOrganisations).toEqual({ totalCount: 1, edges: [{ node: { id: org.id } }] });
  });

  it('gets nothing else: no community figures, residents or party data, no other communities, no other partners’ pairings', async () => {
    const figures = await q('community', `query ($c: String!) { community(code: $c) { name households } }`, { c: paired[0] });
    expect(figures.errors?.[0]).toMatchObject({ path: ['community', 'households'], extensions: { code: 'FORBIDDEN' } });
    const party = await q('party', entity('Community', 'partyOrganisations { name }'), { r: [{ __typename: 'Community', code: paired[0] }] });
    expect(party.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const other = await q('community', `query ($c: String!) { community(code: $c) { name } }`, { c: unpaired.code });
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(other.data?.community ?? null).toBeNull();
    // Its safelisted figures of a community it is not paired with are refused too.
    const otherFigures = await gqlSafelisted(platform.gatewayUrl, 'PartnerCommunityStatistics', { code: unpaired.code }, headers);
    expect(otherFigures.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(otherFigures.data?.community ?? null).toBeNull();
    const list = await q('community', `{ communities { totalCount } }`);
    expect(list.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const pairing = await gqlSafelisted(platform.gatewayUrl, 'PartnerPairing', { id: othersPairing.id }, headers);
    expect(pairing.errors).toBeUndefined();
    expect(pairing.data?.pairing ?? null).toBeNull();
    const members = await q('party', `query ($id: ID!) { partyMember(id: $id) { name } }`, { id: demo.partyMembers[0].id });
    expect(members.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const change = await q('community', `mutation ($c: String!) { updateCommunityProfile(code: $c, input: { staff: 1 }) { staff } }`, { c: paired[0] });
    expect(change.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
