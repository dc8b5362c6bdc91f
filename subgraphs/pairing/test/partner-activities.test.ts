import { randomUUID } from 'node:crypto';
import { chinaToday } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, gqlSafelisted, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';
import { generateActivities } from '../src/activities/activity.seed';

/**
 * Partners' service activities through the gateway: a partner records what it did under its own pairings
 * (and only while they run), bad input changes nothing, the community's staff see what its partners did, a
 * partner sees its own history and no resident's personal data, and a sibling street sees nothing.
 */
describe('partner activities', () => {
  const demo = generateDemo({ scale: 0.3 });
  const seeded = generateActivities(demo);
  const partnerA = demo.socialOrganisations[0];
  const pairingA = demo.pairings.find((p) => p.socialOrganisationId === partnerA.id)!;
  const community = demo.communities.find((c) => c.code === pairingA.communityCode)!;
  const street = community.code.slice(0, 9);
  const siblingStreet = demo.streets.find((s) => s.code !== street && s.code.startsWith(community.code.slice(0, 6)))!;
  const otherCommunity = demo.communities.find((c) => c.code !== community.code)!;
  // Another organisation's pairing, and an enterprise's pairing the test ends.
  const pairingB = demo.pairings.find((p) => p.socialOrganisationId && p.socialOrganisationId !== partnerA.id)!;
  const pairingE = demo.pairings.find((p) => p.enterpriseId)!;
  const KINDS = ['PRECISE_ASSISTANCE', 'MEDICAL_SERVICE', 'SOCIAL_CARE', 'VOLUNTEER_SERVICE', 'OTHER'];
  const today = chinaToday();
  const tomorrow = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);
  const dayAfter = (day: string) => new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);

  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const ACTIVITY = `id kind heldOn title volunteers beneficiaries recordedBy community { code } pairing { id } partner { __typename ... on SocialOrganisation { id name } ... on Enterprise { id name } }`;
  /** A subgraph asked directly, past the gateway's guards (as a caller inside the network could). */
  const direct = (subgraph: string, who: string, query: string, variables?: Record<string, unknown>) =>
    gql(platform.subgraphs[subgraph].url, query, variables, as[who]);
  /** A partner's operation, sent as partner clients must: the safelisted operation, by hash. */
  const safelisted = (who: string, name: string, variables?: Record<string, unknown>) => gqlSafelisted(platform.gatewayUrl, name, variables, as[who]);
  /**
   * Records an activity. A partner records through the safelisted PartnerRecordActivity; what it answers
   * lacks the pairing and the partner, so the recorded activity is then read back whole by district staff.
   */
  const record = async (who: string, input: Record<string, unknown>): Promise<GraphQLResponse<any>> => {
    if (!who.startsWith('partner'))
      return call(who, `mutation ($input: RecordPartnerActivityInput!) { a: recordPartnerActivity(input: $input) { ${ACTIVITY} } }`, { input });
    const res = await safelisted(who, 'PartnerRecordActivity', { input });
    if (!res.data?.recordPartnerActivity) return { ...res, data: res.data ? { a: null } : res.data };
    const whole = await call('district', `query ($id: ID!) { partnerActivity(id: $id) { ${ACTIVITY} } }`, { id: res.data.recordPartnerActivity.id });
    expect(whole.data.partnerActivity).toMatchObject(res.data.recordPartnerActivity);
    return { ...res, data: { a: whole.data.partnerActivity } };
  };
  const valid = (pairingId: string, patch: Record<string, unknown> = {}) => ({
    pairingId,
    kind: 'SOCIAL_CARE',
    heldOn: '2026-10-01',
    title: '关爱独居老人',
    volunteers: 6,
    beneficiaries: 30,
    ...patch,
  });
  /** How many activities a pairing has, as district staff see it. */
  const countOf = async (pairingId: string) =>
    (await call('district', `query ($id: ID!) { pairing(id: $id) { activities { totalCount } } }`, { id: pairingId })).data.pairing.activities
      .totalCount as number;
  const recorded: Record<string, { id: string; kind: string; heldOn: string; volunteers: number; beneficiaries: number }[]> = {};

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    const tokens: Record<string, Record<string, unknown>> = {
      partnerA: { tier: 'PARTNER', org: partnerA.id, communities: [pairingA.communityCode], roles: [], sub: 'partner-a' },
      partnerE: { tier: 'PARTNER', org: pairingE.enterpriseId!, communities: [pairingE.communityCode], roles: [], sub: 'partner-e' },
      staff: { tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: 'community-staff' },
      otherStaff: { tier: 'COMMUNITY', unit: otherCommunity.code, roles: ['STAFF'], sub: 'other-community-staff' },
      street: { tier: 'STREET', unit: street, roles: ['STAFF'], sub: 'street-staff' },
      sibling: { tier: 'STREET', unit: siblingStreet.code, roles: ['STAFF'], sub: 'sibling-street-staff' },
      district: { tier: 'DISTRICT', unit: community.code.slice(0, 6), roles: ['STAFF'], sub: 'district-staff' },
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims);
  });
  afterAll(() => platform?.stop());

  it('lets a partner record activities of every kind under its own pairing, and shows them in its history', async () => {
    const before = await countOf(pairingA.id);
    expect(before).toBe(seeded.filter((a) => a.pairingId === pairingA.id).length);
    recorded[pairingA.id] = [];
    for (const [i, kind] of KINDS.entries()) {
      const input = valid(pairingA.id, { kind, heldOn: `2026-0${i + 3}-1${i}`, title: `${kind} 服务活动`, volunteers: 3 + i, beneficiaries: 20 * (i + 1) });
      const res = await record('partnerA', input);
      expect(res.errors).toBeUndefined();
      const { pairingId: _p, ...fields } = input;
      expect(res.data.a).toMatchObject({
        ...fields,
        recordedBy: 'partner-a',
        community: { code: community.code },
        pairing: { id: pairingA.id },
        partner: { __typename: 'SocialOrganisation', id: partnerA.id, name: partnerA.name },
      });
      recorded[pairingA.id].push({ id: res.data.a.id, kind, heldOn: input.heldOn, volunteers: input.volunteers, beneficiaries: input.beneficiaries });
    }
    expect(await countOf(pairingA.id)).toBe(before + KINDS.length);

    // Its history: every activity of its pairing, newest first, and its figures for the year.
    const pairing = await safelisted('partnerA', 'PartnerPairing', { id: pairingA.id, first: 100 });
    expect(pairing.errors).toBeUndefined();
    const own = pairing.data.pairing;
    expect(own.activities.totalCount).toBe(before + KINDS.length);
    const days = own.activities.edges.map((e: any) => e.node.heldOn);
    expect(days).toEqual([...days].sort().reverse());
    expect(own.activities.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining(recorded[pairingA.id].map((r) => r.id)));
    const year = [...seeded.filter((a) => a.socialOrganisationId === partnerA.id), ...recorded[pairingA.id]].filter((a) => a.heldOn.startsWith('2026'));
    const bySummaryQuery = await safelisted('partnerA', 'PartnerActivitySummary', { year: 2026 });
    expect(bySummaryQuery.errors).toBeUndefined();
    const summary = bySummaryQuery.data.partnerActivitySummary;
    expect(summary).toMatchObject({
      activities: year.length,
      volunteers: year.reduce((s, a) => s + a.volunteers, 0),
      beneficiaries: year.reduce((s, a) => s + a.beneficiaries, 0),
    });
    for (const kind of KINDS) expect(summary.byKind.find((k: any) => k.kind === kind)?.activities ?? 0).toBe(year.filter((a) => a.kind === kind).length);
    // The organisation's own summary field (not a partner operation at the gateway: asked of the pairing subgraph directly) agrees.
    const history = await direct(
      'pairing',
      'partnerA',
      `{ myOrganisation { ... on SocialOrganisation { activitySummary(year: 2026) { activities volunteers beneficiaries communities byKind { kind activities } } } } }`,
    );
    expect(history.errors).toBeUndefined();
    const { year: _year, ...figures } = summary;
    expect(history.data.myOrganisation.activitySummary).toEqual(figures);
  });

  it('refuses another organisation’s pairing or an unknown one (FORBIDDEN, clear message) and changes nothing', async () => {
    const beforeB = await countOf(pairingB.id);
    const beforeA = await countOf(pairingA.id);
    const res = await record('partnerA', valid(pairingB.id));
    expect(code(res)).toBe('FORBIDDEN');
    expect(res.errors![0].message).toMatch(/not one of your organisation’s pairings/);
    expect(res.data?.a ?? null).toBeNull();
    const unknown = await record('partnerA', valid(randomUUID()));
    expect(code(unknown)).toBe('FORBIDDEN');
    // Community staff record on behalf of their own community's partners only.
    const foreign = await record('otherStaff', valid(pairingA.id));
    expect(code(foreign)).toBe('FORBIDDEN');
    expect(foreign.errors![0].message).toMatch(/not a pairing of your unit/);
    expect(code(await record('street', valid(pairingA.id)))).toBe('FORBIDDEN');
    expect(await countOf(pairingB.id)).toBe(beforeB);
    expect(await countOf(pairingA.id)).toBe(beforeA);
  });

  it('refuses dates the pairing was not running (ended before, or not yet started) with BAD_USER_INPUT, end date exclusive', async () => {
    const last = seeded
      .filter((a) => a.pairingId === pairingE.id)
      .map((a) => a.heldOn)
      .sort()
      .pop()!;
    const endedOn = dayAfter(last);
    expect(endedOn <= today).toBe(true);
    const ended = await call('district', `mutation ($id: ID!, $d: String!) { endPairing(pairingId: $id, endedOn: $d) { endedOn } }`, {
      id: pairingE.id,
      d: endedOn,
    });
    expect(ended.errors).toBeUndefined();
    const before = await countOf(pairingE.id);
    for (const heldOn of [today, endedOn]) {
      const res = await record('partnerE', valid(pairingE.id, { heldOn }));
      expect(`${heldOn}: ${code(res)}`).toBe(`${heldOn}: BAD_USER_INPUT`);
      expect(res.errors![0].message).toContain(`was not running on ${heldOn}`);
      expect(res.errors![0].message).toContain(`ended on ${endedOn}`);
    }
    const early = await record('partnerE', valid(pairingE.id, { heldOn: '2016-05-01' }));
    expect(code(early)).toBe('BAD_USER_INPUT');
    expect(early.errors![0].message).toContain(`runs from ${pairingE.startedOn}`);
    expect(await countOf(pairingE.id)).toBe(before);
    // The last day it ran is still fine.
    const onLastDay = await record('partnerE', valid(pairingE.id, { heldOn: last, title: '最后一次服务' }));
    expect(onLastDay.errors).toBeUndefined();
    expect(onLastDay.data.a).toMatchObject({ heldOn: last, partner: { __typename: 'Enterprise', id: pairingE.enterpriseId } });
    expect(await countOf(pairingE.id)).toBe(before + 1);
  });

  it('refuses bad input (negative or huge counts, bad dates, unknown kind, short title) with BAD_USER_INPUT naming the field, and changes nothing', async () => {
    const before = await countOf(pairingA.id);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['negative volunteers', { volunteers: -1 }, /volunteers/],
      ['negative beneficiaries', { beneficiaries: -5 }, /beneficiaries/],
      ['too many volunteers', { volunteers: 10_001 }, /volunteers/],
      ['not a calendar date', { heldOn: '2026-02-30' }, /heldOn/],
      ['wrong date format', { heldOn: '2026/03/01' }, /heldOn/],
      ['in the future', { heldOn: tomorrow }, /heldOn/],
      ['unknown kind', { kind: 'PICNIC' }, /kind|PICNIC/],
      ['title too short', { title: 'x' }, /title/],
      ['not a pairing id', { pairingId: 'pairing-1' }, /pairingId/],
    ];
    for (const [what, patch, field] of cases) {
      const res = await record('partnerA', valid(pairingA.id, patch));
      expect(`${what}: ${code(res)}`).toBe(`${what}: BAD_USER_INPUT`);
      expect(res.errors![0].message).toMatch(field);
      expect(res.data?.a ?? null).toBeNull();
    }
    expect(await countOf(pairingA.id)).toBe(before);
  });

  it('shows a community’s staff what its partners did, and lets them record on a partner’s behalf', async () => {
    const list = async () =>
      (
        await call('staff', `query ($c: String!) { community(code: $c) { partnerActivities(first: 100) { totalCount edges { node { ${ACTIVITY} } } } } }`, {
          c: community.code,
        })
      ).data.community.partnerActivities;
    const before = await list();
    const inCommunity = (a: { communityCode: string }) => a.communityCode === community.code;
    expect(before.totalCount).toBe(seeded.filter(inCommunity).length + recorded[pairingA.id].length);
    const mine = before.edges.map((e: any) => e.node).filter((n: any) => recorded[pairingA.id].some((r) => r.id === n.id));
    expect(mine).toHaveLength(recorded[pairingA.id].length);
    for (const n of mine)
      expect(n).toMatchObject({ recordedBy: 'partner-a', partner: { id: partnerA.id, name: partnerA.name }, community: { code: community.code } });
    // Each activity names the partner that ran it.
    const partnerOfSeeded = new Map(seeded.map((a) => [a.id, a.socialOrganisationId ?? a.enterpriseId]));
    for (const e of before.edges) expect(e.node.partner.id).toBe(partnerOfSeeded.get(e.node.id) ?? partnerA.id);
    const onBehalf = await record('staff', valid(pairingA.id, { kind: 'VOLUNTEER_SERVICE', heldOn: '2026-09-09', title: '社区代录：环境整治' }));
    expect(onBehalf.errors).toBeUndefined();
    expect(onBehalf.data.a).toMatchObject({ recordedBy: 'community-staff', partner: { id: partnerA.id } });
    recorded[pairingA.id].push({ id: onBehalf.data.a.id, kind: 'VOLUNTEER_SERVICE', heldOn: '2026-09-09', volunteers: 6, beneficiaries: 30 });
    expect((await list()).totalCount).toBe(before.totalCount + 1);
    // The partner sees it in its own history too.
    const seen = await safelisted('partnerA', 'PartnerActivity', { id: onBehalf.data.a.id });
    expect(seen.data.partnerActivity).toMatchObject({ id: onBehalf.data.a.id, recordedBy: 'community-staff' });
  });

  it('lets a partner see its own history only, never residents’ personal data', async () => {
    const residents = await call(
      'staff',
      `query ($c: String!) { community(code: $c) { residents(first: 50) { edges { node { id name phone idCardNumber } } } } }`,
      { c: community.code },
    );
    expect(residents.errors).toBeUndefined();
    const people = residents.data.community.residents.edges.map((e: any) => e.node);
    expect(people.length).toBeGreaterThan(0);

    // Everything its safelisted operations show it: its organisation, pairings and their activities.
    const organisation = await safelisted('partnerA', 'PartnerOrganisation');
    expect(organisation.errors).toBeUndefined();
    const shown = [organisation.data];
    for (const p of organisation.data.myOrganisation.pairings) {
      const one = await safelisted('partnerA', 'PartnerPairing', { id: p.id, first: 100 });
      expect(one.errors).toBeUndefined();
      shown.push(one.data);
    }
    const text = JSON.stringify(shown);
    for (const p of people) {
      for (const value of [p.name, p.phone, p.idCardNumber].filter((v: string | null) => v && v.length >= 2)) expect(text).not.toContain(value);
    }
    // Another partner's activity, the community's whole list, and residents themselves are refused.
    const othersActivity = seeded.find((a) => a.pairingId === pairingB.id)!;
    const other = await safelisted('partnerA', 'PartnerActivity', { id: othersActivity.id });
    expect(other.errors).toBeUndefined();
    expect(other.data.partnerActivity).toBeNull(); // a lookup by id answers null for what the caller may not see
    // Ad-hoc operations: the gateway refuses them to a partner (not in the safelist); each subgraph refuses them too when asked directly.
    const entities = (typename: string, code: string, selection: string) =>
      [`query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`, { r: [{ __typename: typename, code }] }] as const;
    const COMMUNITY_LIST = `query ($c: String!) { community(code: $c) { partnerActivities { totalCount } } }`;
    expect(code(await call('partnerA', COMMUNITY_LIST, { c: community.code }))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    const communityList = await direct('pairing', 'partnerA', ...entities('Community', community.code, 'partnerActivities { totalCount }'));
    expect(code(communityList)).toBe('FORBIDDEN');
    const RESIDENT = `query ($id: ID!) { resident(id: $id) { name phone } }`;
    expect(code(await call('partnerA', RESIDENT, { id: people[0].id }))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    const resident = await direct('community', 'partnerA', RESIDENT, { id: people[0].id });
    expect(code(resident)).toBe('FORBIDDEN');
    expect(JSON.stringify(resident.data ?? {})).not.toContain(people[0].name);
    const list = await direct('community', 'partnerA', ...entities('Community', community.code, 'residents { edges { node { name } } }'));
    expect(code(list)).toBe('FORBIDDEN');
    // A staff summary of the partner counts only what lies in the staff's subtree; the partner cannot ask for another partner's.
    const OTHERS_SUMMARY = `query ($p: ID) { partnerActivitySummary(year: 2026, partnerId: $p) { activities } }`;
    expect(code(await call('partnerA', OTHERS_SUMMARY, { p: pairingB.socialOrganisationId }))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    expect(code(await direct('pairing', 'partnerA', OTHERS_SUMMARY, { p: pairingB.socialOrganisationId }))).toBe('FORBIDDEN');
  });

  it('gives sibling-street staff nothing of another street’s partner activities (FORBIDDEN, or null for a lookup by id)', async () => {
    const mine = recorded[pairingA.id][0];
    const attempts: [string, string, Record<string, unknown>][] = [
      ['community list', `query ($c: String!) { community(code: $c) { partnerActivities { totalCount } } }`, { c: community.code }],
    ];
    for (const [what, query, variables] of attempts) {
      const res = await call('sibling', query, variables);
      expect(`${what}: ${code(res)}`).toBe(`${what}: FORBIDDEN`);
      expect(JSON.stringify(res.data ?? {})).not.toMatch(/"totalCount":\d|"volunteers":\d/);
    }
    // A lookup by id answers null, as for any record outside the caller's subtree.
    const one = await call('sibling', `query ($id: ID!) { partnerActivity(id: $id) { id volunteers } }`, { id: mine.id });
    expect(one.errors).toBeUndefined();
    expect(one.data.partnerActivity).toBeNull();
    const pairing = await call('sibling', `query ($id: ID!) { pairing(id: $id) { activities { totalCount } } }`, { id: pairingA.id });
    expect(pairing.errors).toBeUndefined();
    expect(pairing.data.pairing).toBeNull();
    expect((await call('street', `query ($id: ID!) { partnerActivity(id: $id) { id volunteers } }`, { id: mine.id })).data.partnerActivity).toEqual({
      id: mine.id,
      volunteers: mine.volunteers,
    });
    const before = await countOf(pairingA.id);
    const res = await record('sibling', valid(pairingA.id));
    expect(code(res)).toBe('FORBIDDEN');
    expect(await countOf(pairingA.id)).toBe(before);
    // Its own street's figures for the partner count none of it.
    const summary = await call('sibling', `query ($p: ID) { partnerActivitySummary(year: 2026, partnerId: $p) { activities } }`, { p: partnerA.id });
    const inSibling = seeded.filter(
      (a) => a.socialOrganisationId === partnerA.id && a.path.split('.').includes(siblingStreet.code) && a.heldOn.startsWith('2026'),
    );
    expect(summary.data.partnerActivitySummary.activities).toBe(inSibling.length);
  });
});
