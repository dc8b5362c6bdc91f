import { chinaToday } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, countRows, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';
import { creditCodeProblem, makeCreditCode } from '../subgraphs/pairing/src/partners/credit-code';

/**
 * The partner registry (issue 14), through the gateway: district staff register a social organisation and
 * a caring enterprise under valid unified social credit codes, street staff pair them with a community of
 * their street for an agreed term and renew it, and the district issues the new partner an API key that
 * it exchanges for a token covering the paired community. Every refusal changes nothing.
 */
describe('partner registry', () => {
  const demo = generateDemo({ scale: 0.1, districts: 2 });
  const [home, away] = demo.districts;
  const street = demo.streets.find((s) => s.code.startsWith(home.code))!;
  const community = demo.communities.find((c) => c.code.startsWith(street.code))!;
  const awayCommunity = demo.communities.find((c) => c.code.startsWith(away.code))!;
  const awayPartner = demo.socialOrganisations.find((o) => o.districtCode === away.code)!;
  const today = chinaToday();
  const inYears = (n: number) => `${Number(today.slice(0, 4)) + n}${today.slice(4)}`;
  const orgCode = makeCreditCode('5', '2', home.code, '0K3T6PX9Q');
  const enterpriseCode = makeCreditCode('9', '1', home.code, 'MA47HUB2X');

  let platform: InProcessPlatform;
  let databaseUrl: string;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const count = (table: string) => countRows(databaseUrl, `SELECT count(*)::int AS n FROM ${table}`);

  const REGISTER_ORG = `mutation ($input: RegisterSocialOrganisationInput!) { registerSocialOrganisation(input: $input) { id name field creditCode registeredOn } }`;
  const REGISTER_ENTERPRISE = `mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { id name employees creditCode registeredOn } }`;
  const START = `mutation ($input: StartPairingInput!) { startPairing(input: $input) {
    id startedOn endedOn agreedUntil agreement active community { code } partner { __typename ... on SocialOrganisation { id } ... on Enterprise { id } }
    terms { kind from until agreement } } }`;
  const RENEW = `mutation ($input: RenewPairingInput!) { renewPairing(input: $input) { id agreedUntil agreement terms { kind from until agreement } } }`;
  const orgInput = (over: Record<string, unknown> = {}) => ({
    districtCode: home.code,
    name: '川汇区乐龄社工服务中心',
    field: '社工服务',
    creditCode: orgCode,
    registeredOn: '2021-03-15',
    ...over,
  });

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(databaseUrl);
    const tokens: Record<string, Record<string, unknown>> = {
      district: { tier: 'DISTRICT', unit: home.code, roles: ['STAFF'], sub: 'district-staff-1' },
      auditor: { tier: 'DISTRICT', unit: home.code, roles: ['AUDITOR'], sub: 'district-auditor' },
      away: { tier: 'DISTRICT', unit: away.code, roles: ['STAFF'], sub: 'away-district-staff' },
      street: { tier: 'STREET', unit: street.code, roles: ['STAFF'], sub: 'street-staff' },
      community: { tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: 'community-staff' },
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims as never);
  });
  afterAll(() => platform?.stop());

  it('checks a unified social credit code by its check character and issuing authority', () => {
    expect(creditCodeProblem('91350100M000100Y43')).toBeUndefined();
    expect(creditCodeProblem('91350100M000100Y44')).toMatch(/check character: the 18th character should be 3/);
    expect(creditCodeProblem('91350100M000100Y4')).toMatch(/18 characters/);
    expect(creditCodeProblem('9135010OM000100Y43')).toMatch(/never I, O, Z, S or V/);
    expect(creditCodeProblem('91350100M000100Y43', { char: '5', name: 'civil affairs' })).toMatch(/not issued by civil affairs/);
  });

  it('lets district staff register partners of their own district, and refuses anything else without storing it', async () => {
    const before = [await count('pairing.social_organisation'), await count('pairing.enterprise')];
    const refusals: [string, string, Record<string, unknown>, string, RegExp?][] = [
      ['district', REGISTER_ORG, orgInput({ creditCode: `${orgCode.slice(0, 17)}${orgCode[17] === '0' ? '1' : '0'}` }), 'BAD_USER_INPUT', /check character/],
      ['district', REGISTER_ORG, orgInput({ creditCode: enterpriseCode }), 'BAD_USER_INPUT', /not issued by civil affairs/],
      ['district', REGISTER_ORG, orgInput({ registeredOn: inYears(1) }), 'BAD_USER_INPUT', /in the future/],
      ['district', REGISTER_ORG, orgInput({ districtCode: away.code }), 'FORBIDDEN', /not your district/],
      [
        'district',
        REGISTER_ENTERPRISE,
        { districtCode: home.code, name: '爱心企业', creditCode: orgCode, employees: 10 },
        'BAD_USER_INPUT',
        /not issued by market regulation/,
      ],
      ['street', REGISTER_ORG, orgInput(), 'FORBIDDEN', /Only district STAFF/],
      ['auditor', REGISTER_ORG, orgInput(), 'FORBIDDEN'],
      ['away', REGISTER_ORG, orgInput(), 'FORBIDDEN'],
    ];
    for (const [who, query, input, expected, message] of refusals) {
      const res = await call(who, query, { input });
      expect([who, input.creditCode, code(res)]).toEqual([who, input.creditCode, expected]);
      if (message) expect(res.errors?.[0].message).toMatch(message);
    }
    expect([await count('pairing.social_organisation'), await count('pairing.enterprise')]).toEqual(before);

    const org = await call('district', REGISTER_ORG, { input: orgInput({ creditCode: orgCode.toLowerCase() }) });
    expect(org.errors).toBeUndefined();
    expect(org.data.registerSocialOrganisation).toMatchObject({
      name: '川汇区乐龄社工服务中心',
      field: '社工服务',
      creditCode: orgCode,
      registeredOn: '2021-03-15',
    });
    const enterprise = await call('district', REGISTER_ENTERPRISE, {
      input: { districtCode: home.code, name: '周口爱心超市有限公司', creditCode: enterpriseCode, employees: 12 },
    });
    expect(enterprise.errors).toBeUndefined();
    expect(enterprise.data.registerEnterprise).toMatchObject({ creditCode: enterpriseCode, employees: 12, registeredOn: today });

    // A code is registered once per district, whichever kind of partner holds it; another district may register the same organisation.
    const again = await call('district', REGISTER_ORG, { input: orgInput({ name: '重复登记' }) });
    expect(code(again)).toBe('CONFLICT');
    expect(again.errors?.[0].message).toContain('川汇区乐龄社工服务中心');
    const elsewhere = await call('away', REGISTER_ORG, { input: orgInput({ districtCode: away.code }) });
    expect(elsewhere.errors).toBeUndefined();

    // The district lists it; another district sees only its own registration.
    const list = await call('district', `{ socialOrganisations(first: 100) { edges { node { id creditCode } } } }`);
    expect(list.data.socialOrganisations.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      id: org.data.registerSocialOrganisation.id,
      creditCode: orgCode,
    });
    const awayList = await call('away', `{ socialOrganisations(first: 100) { edges { node { id } } } }`);
    expect(awayList.data.socialOrganisations.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(org.data.registerSocialOrganisation.id);
  });

  it('pairs a partner with a community for an agreed term, renews it, keeps every term, and issues the partner a key for it', async () => {
    const registered = await call('district', REGISTER_ORG, {
      input: orgInput({ name: '川汇区邻里互助会', creditCode: makeCreditCode('5', '1', home.code, '7Y2LQ8D3A') }),
    });
    const partnerId = registered.data.registerSocialOrganisation.id as string;
    const start = (who: string, over: Record<string, unknown> = {}) =>
      call(who, START, {
        input: { communityCode: community.code, partnerId, startedOn: today, agreedUntil: inYears(1), agreement: '每月一次助老服务；共建社区食堂', ...over },
      });

    const before = [await count('pairing.pairing'), await count('pairing.pairing_term')];
    const refusals: [string, Record<string, unknown>, string, RegExp?][] = [
      ['street', { communityCode: awayCommunity.code }, 'FORBIDDEN', /not in your subtree/],
      ['community', {}, 'FORBIDDEN', /Only district or street STAFF/],
      ['away', {}, 'FORBIDDEN'],
      ['street', { communityCode: `${street.code}999` }, 'BAD_USER_INPUT', /no community/],
      ['street', { partnerId: awayPartner.id }, 'BAD_USER_INPUT', /not registered in district/],
      ['street', { agreedUntil: inYears(6) }, 'BAD_USER_INPUT', /five years/],
      ['street', { agreedUntil: '2020-01-01' }, 'BAD_USER_INPUT', /before the term starts/],
      ['street', { agreement: '   ' }, 'BAD_USER_INPUT'],
    ];
    for (const [who, over, expected, message] of refusals) {
      const res = await start(who, over);
      expect([who, over, code(res)]).toEqual([who, over, expected]);
      if (message) expect(res.errors?.[0].message).toMatch(message);
    }
    expect([await count('pairing.pairing'), await count('pairing.pairing_term')]).toEqual(before);

    const started = await start('street');
    expect(started.errors).toBeUndefined();
    const pairing = started.data.startPairing;
    expect(pairing).toMatchObject({
      startedOn: today,
      endedOn: null,
      agreedUntil: inYears(1),
      agreement: '每月一次助老服务；共建社区食堂',
      active: true,
      community: { code: community.code },
      partner: { __typename: 'SocialOrganisation', id: partnerId },
      terms: [{ kind: 'START', from: today, until: inYears(1), agreement: '每月一次助老服务；共建社区食堂' }],
    });
    const twice = await start('district');
    expect(code(twice)).toBe('CONFLICT');
    expect(twice.errors?.[0].message).toContain(pairing.id);

    // Renewal: the new term starts the day after the current one ends; the agreement carries over unless a new one is given.
    expect(code(await call('street', RENEW, { input: { pairingId: pairing.id, agreedUntil: inYears(1) } }))).toBe('BAD_USER_INPUT');
    expect(code(await call('community', RENEW, { input: { pairingId: pairing.id, agreedUntil: inYears(2) } }))).toBe('FORBIDDEN');
    const renewed = await call('district', RENEW, { input: { pairingId: pairing.id, agreedUntil: inYears(3), agreement: '每周一次助老服务' } });
    expect(renewed.errors).toBeUndefined();
    const nextDay = new Date(Date.parse(inYears(1)) + 86_400_000).toISOString().slice(0, 10);
    expect(renewed.data.renewPairing).toMatchObject({
      agreedUntil: inYears(3),
      agreement: '每周一次助老服务',
      terms: [
        { kind: 'START', until: inYears(1) },
        { kind: 'RENEWAL', from: nextDay, until: inYears(3), agreement: '每周一次助老服务' },
      ],
    });

    // The community's staff see the pairing on their community; the district issues the partner a key, whose token covers the community.
    const seen = await call('community', `query ($code: String!) { community(code: $code) { pairings { id agreedUntil } } }`, { code: community.code });
    expect(seen.data.community.pairings).toContainEqual({ id: pairing.id, agreedUntil: inYears(3) });
    const key = await call('district', `mutation ($input: CreatePartnerApiKeyInput!) { createPartnerApiKey(input: $input) { key } }`, {
      input: { partnerId, name: '互助会系统' },
    });
    expect(key.errors).toBeUndefined();
    const exchanged = await fetch(`${new URL(platform.gatewayUrl).origin}/auth/token`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${key.data.createPartnerApiKey.key}` },
    });
    expect(exchanged.status).toBe(200);
    const { access_token: token } = (await exchanged.json()) as { access_token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ tier: 'PARTNER', org: partnerId, communities: [community.code] });

    // An ended pairing is not renewed.
    const ended = await call('street', `mutation ($id: ID!, $on: String!) { endPairing(pairingId: $id, endedOn: $on) { endedOn } }`, {
      id: pairing.id,
      on: inYears(1),
    });
    expect(ended.errors).toBeUndefined();
    const late = await call('district', RENEW, { input: { pairingId: pairing.id, agreedUntil: inYears(4) } });
    expect(code(late)).toBe('CONFLICT');
  });
});
