import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';

describe('updateCommunityProfile', () => {
  const demo = generateDemo({ scale: 0.1 });
  const community = demo.communities[0];
  let platform: InProcessPlatform;
  let headers: Record<string, string>;
  const MUTATION = `mutation ($code: String!, $input: CommunityProfileInput!) { updateCommunityProfile(code: $code, input: $input) { code name households staff } }`;
  const current = async () =>
    (await gql(platform.gatewayUrl, `query ($c: String!) { community(code: $c) { name households staff } }`, { c: community.code }, headers)).data.community;

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    headers = await authHeader({ tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'] });
  });
  afterAll(() => platform?.stop());

  it('changes the given fields and keeps the others', async () => {
    const res = await gql(platform.gatewayUrl, MUTATION, { code: community.code, input: { households: 11001, staff: 14 } }, headers);
    expect(res.errors).toBeUndefined();
    expect(res.data.updateCommunityProfile).toEqual({ code: community.code, name: community.name, households: 11001, staff: 14 });
    expect(await current()).toEqual({ name: community.name, households: 11001, staff: 14 });
  });

  it.each([
    ['a negative count', { households: -5 }, /households/],
    ['an overlong name', { name: 'x'.repeat(101) }, /name/],
    ['nothing to change', {}, /Nothing to change/],
  ])('refuses %s with BAD_USER_INPUT naming the field, and changes nothing', async (_label, input, message) => {
    const before = await current();
    const res = await gql(platform.gatewayUrl, MUTATION, { code: community.code, input: { ...input } }, headers);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res.errors?.[0])).toMatch(message);
    expect(await current()).toEqual(before);
  });

  it('refuses a malformed code and answers null for a community that does not exist', async () => {
    const bad = await gql(platform.gatewayUrl, MUTATION, { code: '4116', input: { staff: 1 } }, headers);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const district = await authHeader({ tier: 'DISTRICT', unit: '411602' });
    const missing = await gql(platform.gatewayUrl, MUTATION, { code: '411602001099', input: { staff: 1 } }, district);
    expect(missing.errors).toBeUndefined();
    expect(missing.data.updateCommunityProfile).toBeNull();
  });
});
