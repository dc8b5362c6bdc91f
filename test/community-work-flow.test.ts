import { idCardCheckDigit } from '@cgp/core';
import { generateDemo, type PartyMemberSeed } from '@cgp/demo-data';
import { authHeader, gql, gqlSafelisted, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/**
 * Issue 5 "done when", end to end through the gateway: a community imports residents, sees who must
 * be visited and records visits; a wish is posted, claimed by a party member (a second, concurrent
 * claim fails), fulfilled and confirmed, and shows on the member; a partner sees the wishes opened to
 * partners in its paired communities (not others'), records an activity for its pairing and cannot
 * see residents; a party branch records its meeting. Scoped and masked throughout.
 */
describe('the tiers’ daily work, end to end', () => {
  const demo = generateDemo({ scale: 0.2 });
  const inCommunity = (code: string) => (m: PartyMemberSeed) => m.path.split('.')[2] === code;
  const orgById = new Map(demo.partyOrganisations.map((o) => [o.id, o]));
  const membersOf = (orgId: string) => demo.partyMembers.filter((m) => m.organisationId === orgId || orgById.get(m.organisationId)?.parentId === orgId);
  const branchOf = (code: string) =>
    demo.partyOrganisations.find((o) => o.kind === 'BRANCH' && o.path.split('.').includes(code) && membersOf(o.id).length >= 3);
  // A running pairing of a social organisation with a community that has party members and a branch.
  const pairing = demo.pairings.find(
    (p) => p.socialOrganisationId && !p.endedOn && demo.partyMembers.filter(inCommunity(p.communityCode)).length >= 2 && branchOf(p.communityCode),
  )!;
  const community = demo.communities.find((c) => c.code === pairing.communityCode)!;
  const partnerId = pairing.socialOrganisationId!;
  const paired = demo.pairings.filter((p) => p.socialOrganisationId === partnerId && !p.endedOn).map((p) => p.communityCode);
  const unpaired = demo.communities.find((c) => !paired.includes(c.code))!;
  const sibling = demo.communities.find((c) => c.code !== community.code && c.parentId === community.parentId) ?? unpaired;
  const othersPairing = demo.pairings.find((p) => p.socialOrganisationId !== partnerId && !p.endedOn)!;
  const [member, rival] = demo.partyMembers.filter(inCommunity(community.code));
  const branch = branchOf(community.code)!;
  const branchMembers = membersOf(branch.id);
  const building = demo.buildings.filter((b) => b.code.startsWith(community.code)).sort((a, b) => a.households - b.households)[0];
  const street = community.code.slice(0, 9);
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  /** A subgraph asked directly, past the gateway's guards (as a caller inside the network could). */
  const direct = (subgraph: string, who: string, query: string, variables?: Record<string, unknown>) =>
    gql(platform.subgraphs[subgraph].url, query, variables, as[who]);
  /** A partner's operation as partner clients must send it: the safelisted operation, by hash. */
  const safelisted = (name: string, variables?: Record<string, unknown>) => gqlSafelisted(platform.gatewayUrl, name, variables, as.partner);
  const ok = (res: GraphQLResponse) => {
    expect(res.errors).toBeUndefined();
    return res.data as any;
  };

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    const tokens: Record<string, Record<string, unknown>> = {
      staff: { tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: 'community-staff' },
      secretary: { tier: 'COMMUNITY', unit: community.code, roles: ['PARTY_SECRETARY'], sub: 'community-secretary' },
      leader: { tier: 'BUILDING', unit: building.code, roles: ['BUILDING_LEADER'], sub: 'building-leader' },
      sibling: { tier: 'COMMUNITY', unit: sibling.code, roles: ['STAFF', 'PARTY_SECRETARY'], sub: 'sibling-staff' },
      unpaired: { tier: 'COMMUNITY', unit: unpaired.code, roles: ['STAFF'], sub: 'unpaired-staff' },
      street: { tier: 'STREET', unit: street, roles: ['STAFF'], sub: 'street-staff' },
      district: { tier: 'DISTRICT', unit: demo.districts[0].code, roles: ['STAFF'], sub: 'district-staff' },
      partner: { tier: 'PARTNER', org: partnerId, communities: paired, roles: [] },
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims as never);
  });
  afterAll(() => platform?.stop());

  describe('residents and the four must-visits', () => {
    // Two residents: one turning 95 on 2026-11-19, one admitted to hospital on 2026-11-18.
    const people = [
      { name: '流程甲', birth: '1931-11-19', sequence: 101 },
      { name: '流程乙', birth: '1960-03-03', sequence: 103 },
    ].map((p) => {
      const first17 = `110101${p.birth.replace(/-/g, '')}${p.sequence}`;
      return { ...p, idCard: first17 + idCardCheckDigit(first17) };
    });
    const ids: Record<string, string> = {};
    const DUE = `query ($u: String!) { visitsDue(unitCode: $u, year: 2026, asOf: "2026-11-20") {
      counts { due done late total }
      items(first: 100, rule: BIRTHDAY_OVER_90) { edges { node { rule status dueBy resident { id name } } } }
      stays: items(first: 100, rule: HOSPITAL_STAY) { edges { node { rule status dueBy resident { id name } } } }
    } }`;
    const mineOf = (data: any) =>
      [...data.visitsDue.items.edges, ...data.visitsDue.stays.edges]
        .map((e: any) => e.node)
        .filter((n: any) => n.resident && Object.values(ids).includes(n.resident.id));
    const before: Record<string, any> = {};

    it('imports residents from a CSV file', async () => {
      const csv = [
        'building_code,room,name,id_card_number,phone,birth_date,gender,key_categories',
        ...people.map((p, i) => `${building.code},97${i},${p.name},${p.idCard},,${p.birth},MALE,ELDERLY`),
      ].join('\n');
      // Before the import (and the hospital stay), the units' counts as they were.
      for (const unit of [community.code, street]) before[unit] = ok(await call(unit === street ? 'street' : 'staff', DUE, { u: unit })).visitsDue.counts;
      const imported = ok(
        await call('staff', `mutation ($c: String!, $csv: String!) { importResidents(communityCode: $c, csv: $csv) { rows residentsCreated } }`, {
          c: community.code,
          csv,
        }),
      );
      expect(imported.importResidents).toEqual({ rows: 2, residentsCreated: 2 });
      const list = ok(
        await call(
          'staff',
          `query ($c: String!) { community(code: $c) { residents(filter: { minAge: 0, unitCode: "${building.code}" }, first: 100) { edges { node { id name idCardNumber } } } } }`,
          { c: community.code },
        ),
      );
      for (const n of list.community.residents.edges.map((e: any) => e.node)) {
        const p = people.find((x) => x.idCard === n.idCardNumber);
        if (p) ids[p.name] = n.id;
      }
      expect(Object.keys(ids).sort()).toEqual(people.map((p) => p.name).sort());
      // District staff see them masked.
      const masked = ok(await call('district', `query ($id: ID!) { resident(id: $id) { name idCardNumber } }`, { id: ids['流程甲'] }));
      expect(masked.resident).toEqual({ name: '流*', idCardNumber: `${people[0].idCard.slice(0, 6)}********${people[0].idCard.slice(-4)}` });
    });

    it('sees who must be visited and why, and records the visits, which count as done in every enclosing unit', async () => {
      ok(
        await call('staff', `mutation ($i: RecordHospitalStayInput!) { recordHospitalStay(input: $i) { id } }`, {
          i: { residentId: ids['流程乙'], admittedOn: '2026-11-18' },
        }),
      );
      const due = ok(await call('staff', DUE, { u: community.code }));
      expect(
        mineOf(due)
          .map((n: any) => [n.resident.name, n.rule, n.dueBy, n.status])
          .sort(),
      ).toEqual([
        ['流程乙', 'HOSPITAL_STAY', '2026-11-25', 'DUE'],
        ['流程甲', 'BIRTHDAY_OVER_90', '2026-11-19', 'LATE'],
      ]);
      // Four new must-visits: the hospital stay (due), the birthday and, for someone over 70, both festivals of the year (past, so late).
      const c0 = before[community.code];
      expect(due.visitsDue.counts).toEqual({ due: c0.due + 1, done: c0.done, late: c0.late + 3, total: c0.total + 4 });

      const VISIT = `mutation ($i: RecordVisitInput!) { recordVisit(input: $i) { id visitor visitedOn kind } }`;
      ok(await call('staff', VISIT, { i: { residentId: ids['流程乙'], visitedOn: '2026-11-19', kind: 'HOSPITAL', notes: '病情稳定' } }));
      ok(await call('leader', VISIT, { i: { residentId: ids['流程甲'], visitedOn: '2026-11-19', kind: 'BIRTHDAY' } }));
      const after = ok(await call('staff', DUE, { u: community.code }));
      expect(
        mineOf(after)
          .map((n: any) => [n.resident.name, n.status])
          .sort(),
      ).toEqual([
        ['流程乙', 'DONE'],
        ['流程甲', 'DONE'],
      ]);
      for (const [who, unit] of [
        ['staff', community.code],
        ['street', street],
      ]) {
        const counts = ok(await call(who, DUE, { u: unit })).visitsDue.counts;
        expect([unit, counts]).toEqual([
          unit,
          { due: before[unit].due, done: before[unit].done + 2, late: before[unit].late + 2, total: before[unit].total + 4 },
        ]);
      }
      expect(code(await call('sibling', DUE, { u: community.code }))).toBe('FORBIDDEN');
    });
  });

  describe('micro-wishes', () => {
    const WISH = `id state version communityCode openToPartners claimerKind beneficiary claimedByMember { id }`;
    const post = async (who: string, communityCode: string, text: string, openToPartners: boolean) =>
      ok(
        await call(who, `mutation ($i: PostWishInput!) { postWish(input: $i) { ${WISH} } }`, {
          i: { communityCode, text, category: 'DAILY_NECESSITIES', beneficiaryName: '钱奶奶', openToPartners },
        }),
      ).postWish;
    const claim = (who: string, wishId: string, partyMemberId?: string) =>
      call(who, `mutation ($i: ClaimWishInput!) { r: claimWish(input: $i) { ${WISH} } }`, { i: { wishId, partyMemberId } });
    const step = (who: string, m: string, wishId: string, version: number) =>
      call(who, `mutation ($i: WishStepInput!) { r: ${m}(input: $i) { ${WISH} } }`, { i: { wishId, version } });
    const claimedWishes = async (memberId: string) =>
      ok(await call('staff', `query ($id: ID!) { partyMember(id: $id) { claimedWishes { id state } } }`, { id: memberId })).partyMember.claimedWishes;

    it('is posted, claimed by one of two party members claiming at once, fulfilled, confirmed, and shows on the member who won', async () => {
      const wish = await post('staff', community.code, '一台电暖器', false);
      expect(wish).toMatchObject({ state: 'POSTED', version: 1, beneficiary: '钱奶奶' });
      const wall = ok(
        await call('staff', `query ($c: String) { wishWall(communityCode: $c, first: 100) { edges { node { id } } } }`, { c: community.code }),
      ).wishWall;
      expect(wall.edges.map((e: any) => e.node.id)).toContain(wish.id);

      const [a, b] = await Promise.all([claim('staff', wish.id, member.id), claim('secretary', wish.id, rival.id)]);
      expect([code(a), code(b)].sort()).toEqual(['CONFLICT', 'OK']);
      const loser = code(a) === 'CONFLICT' ? a : b;
      expect(loser.errors![0].message).toMatch(/claimed/);
      const winner = code(a) === 'OK' ? member : rival;
      const other = winner === member ? rival : member;
      const claimed = (code(a) === 'OK' ? a : b).data!.r;
      expect(claimed).toMatchObject({ state: 'CLAIMED', version: 2, claimerKind: 'PARTY_MEMBER', claimedByMember: { id: winner.id } });
      expect(code(await claim('staff', wish.id, other.id))).toBe('CONFLICT'); // later still

      expect(ok(await step('staff', 'fulfilWish', wish.id, 2)).r.state).toBe('FULFILLED');
      // The resident's confirmation is recorded by the community's staff; a sibling's or a building leader's is refused.
      for (const who of ['sibling', 'leader']) expect([who, code(await step(who, 'confirmWish', wish.id, 3))]).toEqual([who, 'FORBIDDEN']);
      expect(ok(await step('secretary', 'confirmWish', wish.id, 3)).r).toMatchObject({ state: 'CONFIRMED', version: 4 });
      expect(await claimedWishes(winner.id)).toContainEqual({ id: wish.id, state: 'CONFIRMED' });
      expect((await claimedWishes(other.id)).map((w: any) => w.id)).not.toContain(wish.id);
      // Out of the wall once claimed; the district sees the beneficiary masked.
      const wallAfter = ok(
        await call('staff', `query ($c: String) { wishWall(communityCode: $c, first: 100) { edges { node { id } } } }`, { c: community.code }),
      ).wishWall;
      expect(wallAfter.edges.map((e: any) => e.node.id)).not.toContain(wish.id);
      expect(ok(await call('district', `query ($id: ID!) { wish(id: $id) { beneficiary state } }`, { id: wish.id })).wish).toEqual({
        beneficiary: '钱*',
        state: 'CONFIRMED',
      });
    });

    it('shows a partner the wishes opened to partners in its paired communities only, never who they are for', async () => {
      const open = await post('staff', community.code, '陪老人去医院复诊', true);
      const closed = await post('staff', community.code, '修理门锁', false);
      const elsewhere = await post('unpaired', unpaired.code, '一辆助行器', true);
      const wall = ok(await safelisted('PartnerWishWall', { first: 100 })).wishWall;
      const ids = wall.edges.map((e: any) => e.node.id);
      expect(ids).toContain(open.id);
      expect(ids).not.toContain(closed.id);
      expect(ids).not.toContain(elsewhere.id);
      for (const e of wall.edges) {
        expect(paired).toContain(e.node.communityCode);
        expect(e.node).toMatchObject({ openToPartners: true });
      }
      // The safelisted wall carries no beneficiary; asked of the subgraph directly, a partner still never gets who a wish is for.
      const raw = ok(await direct('community', 'partner', `{ wishWall(first: 100) { totalCount edges { node { id beneficiary } } } }`)).wishWall;
      expect(raw.edges.map((e: any) => e.node.id).sort()).toEqual([...ids].sort());
      for (const e of raw.edges) expect(e.node.beneficiary).toBe('居民');
      const WISH_BY_ID = `query ($id: ID!) { wish(id: $id) { id } }`;
      expect(code(await call('partner', WISH_BY_ID, { id: elsewhere.id }))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      expect(ok(await direct('community', 'partner', WISH_BY_ID, { id: elsewhere.id })).wish).toBeNull();
      expect(code(await safelisted('PartnerClaimWish', { wishId: elsewhere.id }))).not.toBe('OK');
    });
  });

  describe('a partner organisation', () => {
    it('records an activity for its own pairing, which its community sees; not for another partner’s pairing', async () => {
      const input = { pairingId: pairing.id, kind: 'SOCIAL_CARE', heldOn: today, title: '重阳敬老慰问', volunteers: 6, beneficiaries: 40 };
      const activity = ok(await safelisted('PartnerRecordActivity', { input })).recordPartnerActivity;
      expect(activity).toMatchObject({ kind: 'SOCIAL_CARE', heldOn: today, volunteers: 6, beneficiaries: 40, community: { code: community.code } });
      expect(code(await safelisted('PartnerRecordActivity', { input: { ...input, pairingId: othersPairing.id } }))).toBe('FORBIDDEN');
      const seen = ok(
        await call('staff', `query ($c: String!) { community(code: $c) { partnerActivities(first: 100) { edges { node { id title } } } } }`, {
          c: community.code,
        }),
      );
      expect(seen.community.partnerActivities.edges.map((e: any) => e.node)).toContainEqual({ id: activity.id, title: '重阳敬老慰问' });
      const history = ok(await safelisted('PartnerPairing', { id: pairing.id, first: 100 }));
      expect(history.pairing.activities.edges.map((e: any) => e.node.id)).toContain(activity.id);
    });

    it('cannot see residents, their households or who must be visited', async () => {
      // Refused at the gateway (none is a safelisted partner operation), and by the community subgraph itself when asked directly.
      const entities = (typename: string, unitCode: string, selection: string) =>
        [
          `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`,
          { r: [{ __typename: typename, code: unitCode }] },
        ] as const;
      const residents = 'residents(first: 5) { totalCount edges { node { name } } }';
      const households = 'registeredHouseholds(first: 5) { totalCount }';
      const visits = `query ($u: String!) { visitsDue(unitCode: $u, year: 2026, asOf: "2026-11-20") { counts { total } } }`;
      const resident = `{ resident(id: "${demo.partyMembers[0].id}") { name } }`;
      const attempts: [string, Record<string, unknown> | undefined, string, Record<string, unknown> | undefined][] = [
        [`query ($c: String!) { community(code: $c) { ${residents} } }`, { c: community.code }, ...entities('Community', community.code, residents)],
        [`query ($b: String!) { building(code: $b) { ${households} } }`, { b: building.code }, ...entities('Building', building.code, households)],
        [visits, { u: community.code }, visits, { u: community.code }],
        [resident, undefined, resident, undefined],
      ];
      for (const [viaGateway, variables, atSubgraph, subgraphVariables] of attempts) {
        const refused = await call('partner', viaGateway, variables);
        expect(code(refused)).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
        const res = await direct('community', 'partner', atSubgraph, subgraphVariables);
        expect(code(res)).toBe('FORBIDDEN');
        expect(JSON.stringify([refused.data ?? {}, res.data ?? {}])).not.toMatch(/流程|totalCount":\d/);
      }
    });
  });

  describe('party life', () => {
    it('a branch records its meeting with attendance; only staff of its own unit may', async () => {
      const present = branchMembers.slice(0, -1).map((m) => m.id);
      const absent = [branchMembers[branchMembers.length - 1].id];
      const input = {
        organisationId: branch.id,
        kind: 'BRANCH_MEMBERS_MEETING',
        heldOn: '2026-10-15',
        topic: '学习党章',
        presentMemberIds: present,
        absentMemberIds: absent,
      };
      const RECORD = `mutation ($i: RecordMeetingInput!) { recordMeeting(input: $i) { id kind heldOn presentCount absentCount attendanceRate organisation { id } } }`;
      expect(code(await call('sibling', RECORD, { i: input }))).toBe('FORBIDDEN');
      // A partner: refused at the gateway (not a safelisted operation), and by the party subgraph itself when asked directly.
      expect(code(await call('partner', RECORD, { i: input }))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      expect(code(await direct('party', 'partner', RECORD, { i: input }))).toBe('FORBIDDEN');
      const meeting = ok(await call('secretary', RECORD, { i: input })).recordMeeting;
      expect(meeting).toMatchObject({
        kind: 'BRANCH_MEMBERS_MEETING',
        heldOn: '2026-10-15',
        presentCount: present.length,
        absentCount: 1,
        organisation: { id: branch.id },
      });
      expect(meeting.attendanceRate).toBeCloseTo(present.length / branchMembers.length, 3);
      const listed = ok(
        await call('street', `query ($id: ID!) { partyOrganisation(id: $id) { meetings(first: 100) { edges { node { id } } } } }`, { id: branch.id }),
      );
      expect(listed.partyOrganisation.meetings.edges.map((e: any) => e.node.id)).toContain(meeting.id);
      expect(ok(await call('sibling', `query ($id: ID!) { organisationMeeting(id: $id) { id } }`, { id: meeting.id })).organisationMeeting).toBeNull();
    });
  });
});
