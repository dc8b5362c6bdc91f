import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, gqlSafelisted, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/** Micro-wishes through the gateway: posted, claimed by a party member or a partner (one claim wins), fulfilled, confirmed. */
describe('micro-wishes', () => {
  const demo = generateDemo({ scale: 0.2 });
  const pairing = demo.pairings.find((p) => p.socialOrganisationId)!;
  const community = demo.communities.find((c) => c.code === pairing.communityCode)!;
  const member = demo.partyMembers.find((m) => m.kind === 'IN_SERVICE' && m.path.split('.')[2] === community.code)!;
  const otherCommunity = demo.communities.find(
    (c) => c.code !== community.code && !demo.pairings.some((p) => p.communityCode === c.code && p.socialOrganisationId === pairing.socialOrganisationId),
  )!;
  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const WISH = `id state version openToPartners claimerKind claimedByOrganisationId beneficiary`;
  const post = (who: string, input: Record<string, unknown>) =>
    call(who, `mutation ($input: PostWishInput!) { postWish(input: $input) { ${WISH} } }`, { input });
  /** The community subgraph asked directly, past the gateway's guards (as a caller inside the network could). */
  const direct = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.subgraphs.community.url, query, variables, as[who]);
  /** A partner claims and fulfils as partner clients must: the safelisted operation, sent by hash (its answer under `r` like the others'). */
  const asPartner = async (name: string, field: string, variables: Record<string, unknown>) => {
    const res = await gqlSafelisted(platform.gatewayUrl, name, variables, as.partner);
    return { ...res, data: res.data ? { r: res.data[field] } : res.data };
  };
  const claim = (who: string, input: Record<string, unknown>) =>
    who === 'partner'
      ? asPartner('PartnerClaimWish', 'claimWish', { wishId: input.wishId })
      : call(who, `mutation ($input: ClaimWishInput!) { r: claimWish(input: $input) { ${WISH} } }`, { input });
  const STEP = (m: string) => `mutation ($input: WishStepInput!) { r: ${m}(input: $input) { ${WISH} } }`;
  const stepOn = (who: string, m: string, wishId: string, version: number) =>
    who === 'partner' && m === 'fulfilWish'
      ? asPartner('PartnerFulfilWish', 'fulfilWish', { wishId, version })
      : call(who, STEP(m), { input: { wishId, version } });

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    as.staff = await authHeader({ tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'] });
    as.otherStaff = await authHeader({ tier: 'COMMUNITY', unit: otherCommunity.code, roles: ['STAFF'] });
    as.partner = await authHeader({ tier: 'PARTNER', org: pairing.socialOrganisationId, communities: [community.code], roles: [] });
    as.district = await authHeader({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] });
  });
  afterAll(() => platform?.stop());

  it('goes posted → claimed by a party member → fulfilled → confirmed, and shows on the member', async () => {
    const w = (await post('staff', { communityCode: community.code, text: '一个新书包', category: 'STUDY', beneficiaryName: '李小红', openToPartners: false }))
      .data.postWish;
    expect(w).toMatchObject({ state: 'POSTED', version: 1, beneficiary: '李小红' });
    const wall = (await call('staff', `query ($c: String) { wishWall(communityCode: $c, first: 100) { edges { node { id } } } }`, { c: community.code })).data
      .wishWall;
    expect(wall.edges.map((e: any) => e.node.id)).toContain(w.id);
    const claimed = await claim('staff', { wishId: w.id, partyMemberId: member.id });
    expect(claimed.errors).toBeUndefined();
    expect(claimed.data.r).toMatchObject({ state: 'CLAIMED', claimerKind: 'PARTY_MEMBER', version: 2 });
    expect(code(await claim('partner', { wishId: w.id }))).not.toBe('OK');
    expect(code(await stepOn('staff', 'confirmWish', w.id, 2))).toBe('BAD_USER_INPUT');
    expect((await stepOn('staff', 'fulfilWish', w.id, 2)).data.r.state).toBe('FULFILLED');
    expect(code(await stepOn('staff', 'confirmWish', w.id, 2))).toBe('CONFLICT');
    expect((await stepOn('staff', 'confirmWish', w.id, 3)).data.r.state).toBe('CONFIRMED');
    const claimedWishes = (await call('staff', `query ($id: ID!) { partyMember(id: $id) { claimedWishes { id state } } }`, { id: member.id })).data.partyMember
      .claimedWishes;
    expect(claimedWishes).toContainEqual({ id: w.id, state: 'CONFIRMED' });
    expect((await call('district', `query ($id: ID!) { wish(id: $id) { beneficiary } }`, { id: w.id })).data.wish.beneficiary).toBe('李*');
  });

  it('lets exactly one of two concurrent claims win; the other gets CONFLICT', async () => {
    const w = (
      await post('staff', { communityCode: community.code, text: '一床冬被', category: 'DAILY_NECESSITIES', beneficiaryName: '王奶奶', openToPartners: true })
    ).data.postWish;
    const [a, b] = await Promise.all([claim('partner', { wishId: w.id }), claim('staff', { wishId: w.id, partyMemberId: member.id })]);
    expect([code(a), code(b)].sort()).toEqual(['CONFLICT', 'OK']);
    const now = (await call('staff', `query ($id: ID!) { wish(id: $id) { state version } }`, { id: w.id })).data.wish;
    expect(now).toEqual({ state: 'CLAIMED', version: 2 });
  });

  it('shows partners only wishes opened to them in their paired communities, never the resident’s name, and lets them claim and fulfil', async () => {
    const open = (
      await post('staff', { communityCode: community.code, text: '上门理发一次', category: 'COMPANIONSHIP', beneficiaryName: '张大爷', openToPartners: true })
    ).data.postWish;
    const closed = (
      await post('staff', { communityCode: community.code, text: '修水龙头', category: 'OTHER', beneficiaryName: '赵阿姨', openToPartners: false })
    ).data.postWish;
    const elsewhere = (
      await post('otherStaff', { communityCode: otherCommunity.code, text: '一辆轮椅', category: 'HEALTH', beneficiaryName: '孙爷爷', openToPartners: true })
    ).data.postWish;
    const wall = (await gqlSafelisted(platform.gatewayUrl, 'PartnerWishWall', { first: 100 }, as.partner)).data.wishWall;
    const ids = wall.edges.map((e: any) => e.node.id);
    expect(ids).toContain(open.id);
    expect(ids).not.toContain(closed.id);
    expect(ids).not.toContain(elsewhere.id);
    for (const e of wall.edges) expect(e.node).toMatchObject({ openToPartners: true });
    // The safelisted wall carries no beneficiary; asked of the subgraph directly, a partner still never gets the resident's name.
    const raw = (await direct('partner', `{ wishWall(first: 100) { totalCount edges { node { id beneficiary openToPartners } } } }`)).data.wishWall;
    expect(raw.edges.map((e: any) => e.node.id).sort()).toEqual([...ids].sort());
    for (const e of raw.edges) expect(e.node).toMatchObject({ beneficiary: '居民', openToPartners: true });
    expect(code(await claim('partner', { wishId: closed.id }))).toBe('FORBIDDEN');
    expect(code(await claim('partner', { wishId: elsewhere.id }))).toBe('FORBIDDEN');
    const claimed = await claim('partner', { wishId: open.id });
    expect(claimed.data.r).toMatchObject({ state: 'CLAIMED', claimerKind: 'PARTNER', claimedByOrganisationId: pairing.socialOrganisationId });
    expect((await stepOn('partner', 'fulfilWish', open.id, 2)).data.r.state).toBe('FULFILLED');
    // Confirming and posting are not partner operations: the gateway refuses them (not in the safelist), and so does the subgraph.
    expect(code(await call('partner', STEP('confirmWish'), { input: { wishId: open.id, version: 3 } }))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    expect(code(await direct('partner', STEP('confirmWish'), { input: { wishId: open.id, version: 3 } }))).toBe('FORBIDDEN');
    const own = { input: { communityCode: community.code, text: '自己发', category: 'OTHER', beneficiaryName: 'x', openToPartners: true } };
    expect(code(await call('partner', `mutation ($input: PostWishInput!) { postWish(input: $input) { ${WISH} } }`, own))).toBe(
      'PERSISTED_QUERY_NOT_IN_SAFELIST',
    );
    expect(code(await direct('partner', `mutation ($input: PostWishInput!) { postWish(input: $input) { ${WISH} } }`, own))).toBe('FORBIDDEN');
  });

  it('lists the wishes of a unit’s subtree (unitCode), as many as the dashboard counts there, and only in the caller’s subtree', async () => {
    const street = demo.streets.find((st) => community.code.startsWith(st.code))!;
    const sibling = demo.streets.find((st) => st.code !== street.code)!;
    as.street = await authHeader({ tier: 'STREET', unit: street.code, roles: ['STAFF'] });
    const LIST = `query ($u: String!, $s: [WishState!], $after: String) { wishes(unitCode: $u, states: $s, first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id communityCode state } } } }`;
    for (const [who, unit, typename] of [
      ['district', '411602', 'District'],
      ['district', street.code, 'Street'],
      ['street', street.code, 'Street'],
      ['staff', community.code, 'Community'],
    ] as const) {
      const figures = (
        await call(who, `query ($u: String!) { unit(code: $u) { ... on ${typename} { communityWorkStatistics { openWishes claimedWishes } } } }`, { u: unit })
      ).data.unit.communityWorkStatistics;
      for (const [state, figure] of [
        ['POSTED', figures.openWishes],
        ['CLAIMED', figures.claimedWishes],
      ] as const) {
        const nodes: { communityCode: string; state: string }[] = [];
        let after: string | null = null;
        let total = -1;
        do {
          const res = await call(who, LIST, { u: unit, s: [state], after });
          expect(res.errors).toBeUndefined();
          total = res.data.wishes.totalCount;
          nodes.push(...res.data.wishes.edges.map((e: any) => e.node));
          after = res.data.wishes.pageInfo.hasNextPage ? res.data.wishes.pageInfo.endCursor : null;
        } while (after);
        expect({ who, unit, state, total, listed: nodes.length }).toEqual({ who, unit, state, total: figure, listed: figure });
        expect(nodes.every((n) => n.state === state && n.communityCode.startsWith(unit))).toBe(true);
      }
    }
    expect(code(await call('street', LIST, { u: sibling.code, s: ['POSTED'] }))).toBe('FORBIDDEN');
    expect(code(await call('staff', LIST, { u: street.code, s: ['POSTED'] }))).toBe('FORBIDDEN');
    // A partner's ad-hoc operation stops at the gateway's safelist; asked directly, the subgraph refuses it too.
    expect(code(await call('partner', LIST, { u: community.code, s: ['POSTED'] }))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    expect(code(await direct('partner', LIST, { u: community.code, s: ['POSTED'] }))).toBe('FORBIDDEN');
    expect(code(await call('district', LIST, { u: '4116', s: ['POSTED'] }))).toBe('BAD_USER_INPUT');
  });

  it('refuses wishes posted outside the caller’s community and bad input, writing nothing', async () => {
    expect(
      code(await post('otherStaff', { communityCode: community.code, text: '越权', category: 'OTHER', beneficiaryName: 'x', openToPartners: false })),
    ).toBe('FORBIDDEN');
    expect(code(await post('staff', { communityCode: community.code, text: 'x', category: 'OTHER', beneficiaryName: 'x', openToPartners: false }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(code(await claim('staff', { wishId: '00000000-0000-4000-8000-000000000000', partyMemberId: member.id }))).toBe('FORBIDDEN'); // unknown ids alike: nothing is revealed
  });
});
