import { Client } from 'pg';
import { chinaToday, sqlStatements } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, gqlSafelisted, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform, entityFields } from '@cgp/testing';
import { generateResidents } from '../src/residents/resident.demo';

/**
 * The community subgraph's dashboard figures (`population*`, `communityWork*`) against the demo data the test loaded
 * (residents from the demo generator, the other records read back raw from the database and counted here) and
 * against records the test creates itself.
 */
describe('community statistics', () => {
  const demo = generateDemo({ scale: 0.2 });
  const people = generateResidents(demo);
  const district = demo.districts[0].code;
  const [street, siblingStreet] = demo.streets.map((s) => s.code);
  const community = demo.communities.find((c) => c.code.startsWith(street))!.code;
  const grid = demo.grids.find((g) => g.code.startsWith(community))!.code;
  const building = demo.buildings.find((b) => b.code.startsWith(grid))!.code;
  const pathOf = (code: string) =>
    [6, 9, 12, 15, 18]
      .filter((n) => n <= code.length)
      .map((n) => code.slice(0, n))
      .join('.');
  const within = (path: string, code: string) => path === pathOf(code) || path.startsWith(`${pathOf(code)}.`);

  const today = chinaToday();
  const tomorrow = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);
  /** A date no later than today wherever the server checks "not in the future". */
  const recordDate = new Date().toISOString().slice(0, 10);
  const PERIOD = { from: '2025-12-01', to: tomorrow };
  const YEAR = { from: '2026-01-01', to: '2027-01-01' };

  let platform: InProcessPlatform;
  let db: Client;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const ok = <T = any>(res: GraphQLResponse<T>): T => {
    expect(res.errors).toBeUndefined();
    return res.data as T;
  };
  const lookup = (c: string) => ({ 6: 'district', 9: 'street', 12: 'community', 15: 'grid', 18: 'building' })[c.length as 6];

  beforeAll(async () => {
    const url = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(url);
    db = new Client({ connectionString: url });
    await db.connect();
    const tokens: Record<string, Record<string, unknown>> = {
      district: { tier: 'DISTRICT', unit: district, roles: ['STAFF'] },
      street: { tier: 'STREET', unit: street, roles: ['STAFF'] },
      community: { tier: 'COMMUNITY', unit: community, roles: ['STAFF'] },
      grid: { tier: 'GRID', unit: grid, roles: ['GRID_MANAGER'] },
      partner: { tier: 'PARTNER', org: demo.socialOrganisations[0].id, communities: [community], roles: [] },
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims);
  });
  afterAll(async () => {
    await db?.end();
    await platform?.stop();
  });

  // ---- population, computed from the demo generator's households and residents ----

  const ageOn = (birth: string, day: string) => Number(day.slice(0, 4)) - Number(birth.slice(0, 4)) - (day.slice(5) < birth.slice(5) ? 1 : 0);
  function expectedPopulation(unit: string) {
    const residents = people.residents.filter((r) => within(r.path, unit));
    const kind = (k: string) => residents.filter((r) => r.key_categories.includes(k)).length;
    const communities = demo.communities.filter((c) => within(c.path, unit));
    const profiled = unit.length <= 12;
    return {
      households: people.households.filter((h) => within(h.path, unit)).length,
      residents: residents.length,
      population: profiled ? communities.reduce((n, c) => n + c.population, 0) : null,
      profileHouseholds: profiled ? communities.reduce((n, c) => n + c.households, 0) : null,
      keyPersons: residents.filter((r) => r.key_categories.length > 0).length,
      livingAlone: kind('LIVING_ALONE'),
      widowed: kind('WIDOWED'),
      poor: kind('POOR'),
      weakIll: kind('WEAK_ILL'),
      disabled: kind('DISABLED'),
      elderly: kind('ELDERLY'),
      aged70OrOver: residents.filter((r) => ageOn(r.birth_date, today) >= 70).length,
      aged90OrOver: residents.filter((r) => ageOn(r.birth_date, today) >= 90).length,
    };
  }
  const POPULATION = 'households residents population profileHouseholds keyPersons livingAlone widowed poor weakIll disabled elderly aged70OrOver aged90OrOver';

  it('counts households, residents, key persons by kind and the old of every tier from the registered residents', async () => {
    for (const unit of [district, street, siblingStreet, community, grid, building]) {
      const data = ok(await call('district', `query ($c: String!) { u: ${lookup(unit)}(code: $c) { populationStatistics { ${POPULATION} } } }`, { c: unit }));
      expect([unit, data.u.populationStatistics]).toEqual([unit, expectedPopulation(unit)]);
    }
    const whole = expectedPopulation(district);
    expect(whole.keyPersons).toBeGreaterThan(0);
    expect(whole.aged90OrOver).toBeGreaterThan(0);
    // A community's own staff see the same figures as the district.
    const own = ok(await call('community', `query ($c: String!) { community(code: $c) { populationStatistics { ${POPULATION} } } }`, { c: community }));
    expect(own.community.populationStatistics).toEqual(expectedPopulation(community));
  });

  /** Standard competition ranking ("1224") of values, highest first. */
  const ranksOf = (values: number[]) => values.map((v) => 1 + values.filter((o) => o > v).length);
  function expectRanking(rows: { rank: number; value: number; code: string; unit: { code: string } }[], expected: Map<string, number>, first = 20) {
    const order = [...expected].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).slice(0, first);
    expect(rows.map((r) => [r.code, r.value])).toEqual(order);
    expect(rows.map((r) => r.rank)).toEqual(ranksOf([...expected.values()].sort((a, b) => b - a)).slice(0, first));
    for (const r of rows) expect(r.unit.code).toBe(r.code);
  }

  it('ranks child units by a population figure, highest first, ties sharing a rank', async () => {
    const rank = async (unit: string, metric: string, first = 20) =>
      ok(
        await call(
          'district',
          `query ($c: String!, $m: PopulationMetric!, $f: Int!) { u: ${lookup(unit)}(code: $c) { populationRanking(metric: $m, first: $f) {
        rank value code unit { __typename ... on Street { code name } ... on Community { code name } ... on Grid { code } ... on Building { code } } } } }`,
          { c: unit, m: metric, f: first },
        ),
      ).u.populationRanking;

    const streets = await rank(district, 'RESIDENTS');
    expectRanking(streets, new Map(demo.streets.map((s) => [s.code, expectedPopulation(s.code).residents])));
    expect(streets[0].unit).toMatchObject({ __typename: 'Street', name: demo.streets.find((s) => s.code === streets[0].code)!.name });

    const communities = await rank(street, 'POPULATION', 3);
    const inStreet = demo.communities.filter((c) => c.code.startsWith(street));
    expectRanking(communities, new Map(inStreet.map((c) => [c.code, c.population])), 3);
    expect(communities[0].unit).toEqual({
      __typename: 'Community',
      code: communities[0].code,
      name: inStreet.find((c) => c.code === communities[0].code)!.name,
    });

    // Key persons are few per grid: ties are likely, and share a rank.
    const grids = await rank(community, 'KEY_PERSONS');
    expectRanking(grids, new Map(demo.grids.filter((g) => g.code.startsWith(community)).map((g) => [g.code, expectedPopulation(g.code).keyPersons])));
    const buildings = await rank(grid, 'HOUSEHOLDS');
    expectRanking(buildings, new Map(demo.buildings.filter((b) => b.code.startsWith(grid)).map((b) => [b.code, b.households])));
    expect(buildings[0].unit.__typename).toBe('Building');

    const refused = await call('district', `query ($c: String!) { building(code: $c) { populationRanking { rank } } }`, { c: building });
    expect(code(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].message).toMatch(/building has no child units/);
    const noProfile = await call('district', `query ($c: String!) { community(code: $c) { populationRanking(metric: POPULATION) { rank } } }`, {
      c: community,
    });
    expect(code(noProfile)).toBe('BAD_USER_INPUT');
    expect(noProfile.errors![0].message).toMatch(/RESIDENTS/);
    expect(code(await call('district', `query ($c: String!) { district(code: $c) { populationRanking(first: 0) { rank } } }`, { c: district }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  // ---- community work, computed from the records read back raw ----

  async function rawRecords() {
    const rows = async (sql: string) => (await db.query(sql)).rows;
    return {
      wishes: await rows(`SELECT path::text, state, posted_at, claimed_at, fulfilled_at, confirmed_at FROM community.wish`),
      errands: await rows(`SELECT path::text, status, requested_on::text, done_on::text FROM community.errand`),
      agents: await rows(`SELECT path::text, active FROM community.livelihood_agent`),
      visits: await rows(`SELECT path::text, visited_on::text FROM community.visit`),
      teams: await rows(`SELECT path::text, members FROM community.volunteer_team`),
      activities: await rows(`SELECT path::text, held_on::text, participants, beneficiaries FROM community.volunteer_activity`),
      meetings: await rows(`SELECT path::text, held_on::text FROM community.joint_meeting`),
      resolutions: await rows(`SELECT path::text, status FROM community.meeting_resolution`),
    };
  }
  type Raw = Awaited<ReturnType<typeof rawRecords>>;
  const chinaDay = (t: Date | null) => (t ? new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 10) : null);
  const inPeriod = (day: string | null, p: { from: string; to: string }) => day !== null && day >= p.from && day < p.to;

  function expectedWork(raw: Raw, unit: string, p: { from: string; to: string }) {
    const mine = <T extends { path: string }>(rows: T[]) => rows.filter((r) => within(r.path, unit));
    const count = <T>(rows: T[], test: (r: T) => boolean) => rows.filter(test).length;
    const sum = <T>(rows: T[], test: (r: T) => boolean, value: (r: T) => number) => rows.filter(test).reduce((n, r) => n + value(r), 0);
    const wishes = mine(raw.wishes);
    const errands = mine(raw.errands);
    const activities = mine(raw.activities);
    const perCommunity = unit.length <= 12;
    const c = <T>(v: T) => (perCommunity ? v : null);
    return {
      openWishes: c(count(wishes, (w) => w.state === 'POSTED')),
      claimedWishes: c(count(wishes, (w) => w.state === 'CLAIMED')),
      fulfilledWishes: c(count(wishes, (w) => w.state === 'FULFILLED')),
      confirmedWishes: c(count(wishes, (w) => w.state === 'CONFIRMED')),
      withdrawnWishes: c(count(wishes, (w) => w.state === 'WITHDRAWN')),
      wishesPostedInPeriod: c(count(wishes, (w) => inPeriod(chinaDay(w.posted_at), p))),
      wishesClaimedInPeriod: c(count(wishes, (w) => inPeriod(chinaDay(w.claimed_at), p))),
      wishesFulfilledInPeriod: c(count(wishes, (w) => inPeriod(chinaDay(w.fulfilled_at), p))),
      wishesConfirmedInPeriod: c(count(wishes, (w) => inPeriod(chinaDay(w.confirmed_at), p))),
      livelihoodAgents: count(mine(raw.agents), (a) => a.active),
      openErrands: count(errands, (e) => e.status === 'REQUESTED'),
      errandsRequestedInPeriod: count(errands, (e) => inPeriod(e.requested_on, p)),
      errandsDoneInPeriod: count(errands, (e) => e.status === 'DONE' && inPeriod(e.done_on, p)),
      visitsMadeInPeriod: count(mine(raw.visits), (v) => inPeriod(v.visited_on, p)),
      volunteerTeams: c(mine(raw.teams).length),
      volunteers: c(
        sum(
          mine(raw.teams),
          () => true,
          (t) => t.members,
        ),
      ),
      volunteerActivitiesInPeriod: c(count(activities, (a) => inPeriod(a.held_on, p))),
      volunteerParticipantsInPeriod: c(
        sum(
          activities,
          (a) => inPeriod(a.held_on, p),
          (a) => a.participants,
        ),
      ),
      volunteerBeneficiariesInPeriod: c(
        sum(
          activities,
          (a) => inPeriod(a.held_on, p),
          (a) => a.beneficiaries,
        ),
      ),
      jointMeetingsInPeriod: c(count(mine(raw.meetings), (m) => inPeriod(m.held_on, p))),
      openResolutions: c(count(mine(raw.resolutions), (r) => r.status === 'OPEN')),
    };
  }
  const WORK =
    'openWishes claimedWishes fulfilledWishes confirmedWishes withdrawnWishes wishesPostedInPeriod wishesClaimedInPeriod wishesFulfilledInPeriod wishesConfirmedInPeriod ' +
    'livelihoodAgents openErrands errandsRequestedInPeriod errandsDoneInPeriod visitsMadeInPeriod volunteerTeams volunteers volunteerActivitiesInPeriod ' +
    'volunteerParticipantsInPeriod volunteerBeneficiariesInPeriod jointMeetingsInPeriod openResolutions';
  const MUST = 'mustVisits mustVisitsDue mustVisitsDone mustVisitsLate';
  const workOf = async (who: string, unit: string, p: { from: string; to: string }, fields = WORK) =>
    ok(
      await call(
        who,
        `query ($c: String!, $f: String, $t: String) { u: ${lookup(unit)}(code: $c) { communityWorkStatistics(from: $f, to: $t) { ${fields} } } }`,
        { c: unit, f: p.from, t: p.to },
      ),
    ).u.communityWorkStatistics;

  it('counts wishes, errands, visits, volunteer service and joint meetings of every tier as the records say', async () => {
    const raw = await rawRecords();
    for (const unit of [district, street, siblingStreet, community, grid]) {
      expect([unit, await workOf('district', unit, PERIOD)]).toEqual([unit, expectedWork(raw, unit, PERIOD)]);
    }
    const whole = expectedWork(raw, district, PERIOD);
    for (const figure of ['wishesPostedInPeriod', 'errandsDoneInPeriod', 'visitsMadeInPeriod', 'volunteerActivitiesInPeriod', 'jointMeetingsInPeriod'] as const)
      expect(whole[figure]).toBeGreaterThan(0);
    // Another period gives other figures, still as the records say.
    const spring = { from: '2026-03-01', to: '2026-06-01' };
    expect(await workOf('street', street, spring)).toEqual(expectedWork(raw, street, spring));
    // Community work has no figures on a building.
    expect(code(await call('district', `query ($c: String!) { building(code: $c) { communityWorkStatistics { mustVisits } } }`, { c: building }))).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
  });

  it('counts the must-visits of a calendar year exactly as visitsDue does, and their occasions as the demo residents give them', async () => {
    // Occasions of 2026 whose window has opened by today: both festivals (70+ or disabled), each family event and admission, each 90+ birthday.
    const elderlyOrDisabled = (r: (typeof people.residents)[0], festival: string) =>
      ageOn(r.birth_date, festival) >= 70 || r.key_categories.includes('DISABLED');
    const occasions = (unit: string) => {
      const residents = people.residents.filter((r) => within(r.path, unit));
      const festivals = ['2026-01-01', '2026-02-17'].reduce((n, f) => n + residents.filter((r) => elderlyOrDisabled(r, f)).length, 0);
      const birthdays = residents.filter(
        (r) =>
          2026 - Number(r.birth_date.slice(0, 4)) >= 90 &&
          new Date(Date.parse(`2026${r.birth_date.slice(4)}`) - 7 * 86_400_000).toISOString().slice(0, 10) <= today,
      ).length;
      return festivals + birthdays + people.events.filter((e) => within(e.path, unit)).length + people.stays.filter((s) => within(s.path, unit)).length;
    };
    for (const unit of [district, street, community, grid]) {
      const work = await workOf('district', unit, YEAR, MUST);
      const due = ok(await call('district', `query ($c: String!) { visitsDue(unitCode: $c, year: 2026) { counts { due done late total } } }`, { c: unit }))
        .visitsDue.counts;
      expect([unit, work]).toEqual([unit, { mustVisits: due.total, mustVisitsDue: due.due, mustVisitsDone: due.done, mustVisitsLate: due.late }]);
      expect([unit, work.mustVisits]).toEqual([unit, occasions(unit)]);
    }
    expect((await workOf('district', district, YEAR, MUST)).mustVisitsDone).toBeGreaterThan(0);
  });

  it('gives one trend row per month of the period, zeros included, summing to the period figures', async () => {
    const MONTHLY =
      'month wishesPosted wishesClaimed wishesFulfilled wishesConfirmed errandsRequested errandsDone mustVisits mustVisitsDue mustVisitsDone mustVisitsLate visitsMade volunteerActivities volunteerParticipants volunteerBeneficiaries jointMeetings';
    const pairs: [string, string][] = [
      ['wishesPosted', 'wishesPostedInPeriod'],
      ['wishesClaimed', 'wishesClaimedInPeriod'],
      ['wishesFulfilled', 'wishesFulfilledInPeriod'],
      ['wishesConfirmed', 'wishesConfirmedInPeriod'],
      ['errandsRequested', 'errandsRequestedInPeriod'],
      ['errandsDone', 'errandsDoneInPeriod'],
      ['mustVisits', 'mustVisits'],
      ['mustVisitsDue', 'mustVisitsDue'],
      ['mustVisitsDone', 'mustVisitsDone'],
      ['mustVisitsLate', 'mustVisitsLate'],
      ['visitsMade', 'visitsMadeInPeriod'],
      ['volunteerActivities', 'volunteerActivitiesInPeriod'],
      ['volunteerParticipants', 'volunteerParticipantsInPeriod'],
      ['volunteerBeneficiaries', 'volunteerBeneficiariesInPeriod'],
      ['jointMeetings', 'jointMeetingsInPeriod'],
    ];
    // From December 2025 to the end of 2026, past the demo's last records: the last months are zeros.
    const period = { from: '2025-12-01', to: '2027-01-01' };
    const months = ['2025-12', ...Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`)];
    const raw = await rawRecords();
    for (const unit of [district, street, community, grid]) {
      const data = ok(
        await call(
          'district',
          `query ($c: String!, $f: String, $t: String) { u: ${lookup(unit)}(code: $c) {
          communityWorkTrend(from: $f, to: $t) { ${MONTHLY} } communityWorkStatistics(from: $f, to: $t) { ${WORK} ${MUST} } } }`,
          { c: unit, f: period.from, t: period.to },
        ),
      ).u;
      expect(data.communityWorkTrend.map((m: any) => m.month)).toEqual(months);
      for (const [monthly, total] of pairs) {
        const values = data.communityWorkTrend.map((m: any) => m[monthly]);
        if (unit.length > 12 && data.communityWorkStatistics[total] === null)
          expect([monthly, values.every((v: unknown) => v === null)]).toEqual([monthly, true]);
        else expect([unit, monthly, values.reduce((a: number, b: number) => a + b, 0)]).toEqual([unit, monthly, data.communityWorkStatistics[total]]);
      }
      // One month checked against the records on its own.
      const march = data.communityWorkTrend.find((m: any) => m.month === '2026-03');
      const marchExpected = expectedWork(raw, unit, { from: '2026-03-01', to: '2026-04-01' });
      expect([unit, march.errandsDone, march.visitsMade, march.wishesPosted]).toEqual([
        unit,
        marchExpected.errandsDoneInPeriod,
        marchExpected.visitsMadeInPeriod,
        marchExpected.wishesPostedInPeriod,
      ]);
    }
    // Months before any record give zeros (must-visits aside: a 90th birthday in 2020 was due then, and is late now).
    const quiet = ok(
      await call('district', `query ($c: String!) { district(code: $c) { communityWorkTrend(from: "2020-01-01", to: "2020-04-01") { ${MONTHLY} } } }`, {
        c: district,
      }),
    ).district.communityWorkTrend;
    expect(quiet.map((m: any) => m.month)).toEqual(['2020-01', '2020-02', '2020-03']);
    for (const m of quiet) {
      for (const [monthly] of pairs.filter(([f]) => !f.startsWith('mustVisits'))) expect([m.month, monthly, m[monthly]]).toEqual([m.month, monthly, 0]);
    }
  });

  it('ranks child units by a community-work figure; figures kept per community or grid cannot rank below', async () => {
    const raw = await rawRecords();
    const rank = async (who: string, unit: string, metric: string, p = PERIOD) =>
      ok(
        await call(
          who,
          `query ($c: String!, $m: CommunityWorkMetric!, $f: String, $t: String) { u: ${lookup(unit)}(code: $c) { communityWorkRanking(metric: $m, from: $f, to: $t) {
        rank value code unit { __typename ... on Community { code name } ... on Street { code } ... on Grid { code } ... on Building { code } } } } }`,
          { c: unit, m: metric, f: p.from, t: p.to },
        ),
      ).u.communityWorkRanking;

    const byWishes = await rank('district', street, 'WISHES_POSTED');
    expectRanking(
      byWishes,
      new Map(demo.communities.filter((c) => c.code.startsWith(street)).map((c) => [c.code, expectedWork(raw, c.code, PERIOD).wishesPostedInPeriod as number])),
    );
    expect(byWishes[0].unit.__typename).toBe('Community');
    const byBeneficiaries = await rank('district', district, 'VOLUNTEER_BENEFICIARIES');
    expectRanking(byBeneficiaries, new Map(demo.streets.map((s) => [s.code, expectedWork(raw, s.code, PERIOD).volunteerBeneficiariesInPeriod as number])));
    const byErrands = await rank('community', community, 'ERRANDS_DONE');
    expectRanking(
      byErrands,
      new Map(demo.grids.filter((g) => g.code.startsWith(community)).map((g) => [g.code, expectedWork(raw, g.code, PERIOD).errandsDoneInPeriod])),
    );

    // A grid's buildings by must-visits done in 2026: each building's value is its visitsDue count.
    const byVisits = await rank('grid', grid, 'MUST_VISITS_DONE', YEAR);
    const buildings = demo.buildings.filter((b) => b.code.startsWith(grid)).map((b) => b.code);
    const counts = ok(await call('grid', `{ ${buildings.map((b, i) => `b${i}: visitsDue(unitCode: "${b}", year: 2026) { counts { done } }`).join(' ')} }`));
    expectRanking(byVisits, new Map(buildings.map((b, i) => [b, counts[`b${i}`].counts.done])));

    const perCommunity = await call('community', `query ($c: String!) { community(code: $c) { communityWorkRanking(metric: WISHES_POSTED) { rank } } }`, {
      c: community,
    });
    expect(code(perCommunity)).toBe('BAD_USER_INPUT');
    expect(perCommunity.errors![0].message).toMatch(/per community/);
    expect(code(await call('grid', `query ($c: String!) { grid(code: $c) { communityWorkRanking(metric: ERRANDS_DONE) { rank } } }`, { c: grid }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(code(await call('district', `query ($c: String!) { district(code: $c) { communityWorkRanking(first: 101) { rank } } }`, { c: district }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('counts what staff record today: a wish, an errand, a volunteer activity, a joint meeting, a family event and its visit', async () => {
    const p = PERIOD;
    const ALL = `${WORK} ${MUST}`;
    const before = {
      community: await workOf('community', community, p, ALL),
      grid: await workOf('grid', grid, p, ALL),
      street: await workOf('street', street, p, ALL),
    };
    const mutate = async (who: string, mutation: string, input: Record<string, unknown>) => ok(await call(who, mutation, { i: input }));

    await mutate('community', `mutation ($i: PostWishInput!) { postWish(input: $i) { id } }`, {
      communityCode: community,
      text: '一套课外读物',
      category: 'STUDY',
      beneficiaryName: '李小明',
      openToPartners: false,
    });
    const agent = (
      await mutate('grid', `mutation ($i: AgentInput!) { registerLivelihoodAgent(input: $i) { id } }`, { gridCode: grid, name: '周代办', phone: '13700001111' })
    ).registerLivelihoodAgent;
    await mutate('grid', `mutation ($i: ErrandInput!) { recordErrand(input: $i) { id } }`, {
      agentId: agent.id,
      kind: 'UTILITY_BILL',
      residentName: '孙奶奶',
      requestedOn: recordDate,
      doneOn: recordDate,
    });
    await mutate('grid', `mutation ($i: ErrandInput!) { recordErrand(input: $i) { id } }`, {
      agentId: agent.id,
      kind: 'DOCUMENTS',
      residentName: '孙奶奶',
      requestedOn: recordDate,
    });
    const team = (
      await mutate('community', `mutation ($i: VolunteerTeamInput!) { createVolunteerTeam(input: $i) { id } }`, {
        communityCode: community,
        name: '统计志愿队',
        kind: 'YOUTH',
        members: 9,
        leaderName: '小周',
      })
    ).createVolunteerTeam;
    await mutate('community', `mutation ($i: VolunteerActivityInput!) { recordVolunteerActivity(input: $i) { id } }`, {
      teamId: team.id,
      heldOn: recordDate,
      kind: '义诊',
      title: '统计义诊',
      participants: 7,
      beneficiaries: 45,
    });
    await mutate('community', `mutation ($i: JointMeetingInput!) { recordJointMeeting(input: $i) { id } }`, {
      communityCode: community,
      heldOn: recordDate,
      parties: ['PARTY_COMMITTEE', 'RESIDENTS_COMMITTEE', 'PROPERTY_COMPANY'],
      topics: ['垃圾分类'],
      resolutions: [{ text: '增设分类垃圾桶', owner: 'PROPERTY_COMPANY' }],
    });
    const resident = people.residents.find((r) => r.path.startsWith(pathOf(grid)))!;
    await mutate('grid', `mutation ($i: RecordFamilyEventInput!) { recordFamilyEvent(input: $i) { id } }`, {
      residentId: resident.id,
      kind: 'WEDDING',
      happenedOn: recordDate,
    });
    const pending = await workOf('grid', grid, p, MUST);
    expect(pending).toEqual({
      ...pending,
      mustVisits: before.grid.mustVisits + 1,
      mustVisitsDue: before.grid.mustVisitsDue + 1,
      mustVisitsDone: before.grid.mustVisitsDone,
    });
    await mutate('grid', `mutation ($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`, {
      residentId: resident.id,
      visitedOn: recordDate,
      kind: 'FAMILY_EVENT',
    });

    const after = {
      community: await workOf('community', community, p, ALL),
      grid: await workOf('grid', grid, p, ALL),
      street: await workOf('street', street, p, ALL),
    };
    const grown = (b: any, changes: Record<string, number>) => ({ ...b, ...Object.fromEntries(Object.entries(changes).map(([k, d]) => [k, b[k] + d])) });
    const gridChanges = {
      livelihoodAgents: 1,
      openErrands: 1,
      errandsRequestedInPeriod: 2,
      errandsDoneInPeriod: 1,
      mustVisits: 1,
      mustVisitsDone: 1,
      visitsMadeInPeriod: 1,
    };
    const communityChanges = {
      ...gridChanges,
      openWishes: 1,
      wishesPostedInPeriod: 1,
      volunteerTeams: 1,
      volunteers: 9,
      volunteerActivitiesInPeriod: 1,
      volunteerParticipantsInPeriod: 7,
      volunteerBeneficiariesInPeriod: 45,
      jointMeetingsInPeriod: 1,
      openResolutions: 1,
    };
    expect(after.grid).toEqual(grown(before.grid, gridChanges));
    expect(after.community).toEqual(grown(before.community, communityChanges));
    expect(after.street).toEqual(grown(before.street, communityChanges));
  });

  // ---- scope ----

  it('answers FORBIDDEN for a sibling street, an ancestor and partners, via the gateway and directly at the subgraph', async () => {
    const fields = `populationStatistics { residents } communityWorkStatistics { mustVisits } communityWorkTrend { month } communityWorkRanking { rank } populationRanking { rank }`;
    const sibling = await call('street', `query ($c: String!) { street(code: $c) { ${fields} } }`, { c: siblingStreet });
    expect(code(sibling)).toBe('FORBIDDEN');
    expect(sibling.data?.street ?? null).toBeNull();
    const entities = (type: string, unit: string, selection: string) => entityFields(platform.subgraphs.community.url, type, unit, selection, as.street);
    for (const selection of [
      'populationStatistics { residents }',
      'communityWorkStatistics { mustVisits }',
      'communityWorkTrend { month }',
      'communityWorkRanking { rank }',
      'populationRanking { rank }',
    ]) {
      const direct = await entities('Street', siblingStreet, selection);
      expect([selection, code(direct)]).toEqual([selection, 'FORBIDDEN']);
      const ancestor = await entities('District', district, selection);
      expect([selection, code(ancestor)]).toEqual([selection, 'FORBIDDEN']);
      const own = await entities('Street', street, selection);
      expect([selection, code(own)]).toEqual([selection, 'OK']);
    }
    expect(code(await call('street', `query ($c: String!) { district(code: $c) { populationStatistics { residents } } }`, { c: district }))).toBe('FORBIDDEN');
    expect(code(await call('grid', `query ($c: String!) { community(code: $c) { communityWorkStatistics { openWishes } } }`, { c: community }))).toBe(
      'FORBIDDEN',
    );

    // A partner may read its paired community's name (by a safelisted operation, as partners must), none of these figures:
    // the gateway refuses them as ad-hoc partner operations, and the subgraph refuses them to a partner whatever the route.
    expect(ok(await gqlSafelisted(platform.gatewayUrl, 'PartnerCommunityStatistics', { code: community }, as.partner)).community.name).toBeTruthy();
    for (const selection of [
      'populationStatistics { residents }',
      'communityWorkStatistics { openWishes }',
      'communityWorkTrend { month }',
      'communityWorkRanking { rank }',
      'populationRanking { rank }',
    ]) {
      const res = await call('partner', `query ($c: String!) { community(code: $c) { ${selection} } }`, { c: community });
      expect([selection, code(res)]).toEqual([selection, 'PERSISTED_QUERY_NOT_IN_SAFELIST']);
      const direct = await entityFields(platform.subgraphs.community.url, 'Community', community, selection, as.partner);
      expect([selection, code(direct)]).toEqual([selection, 'FORBIDDEN']);
    }
  });

  it('refuses a bad period with BAD_USER_INPUT naming the argument', async () => {
    const ask = (field: string, args: string) =>
      call('community', `query ($c: String!) { community(code: $c) { ${field}(${args}) { __typename } } }`, { c: community });
    for (const field of ['communityWorkStatistics', 'communityWorkTrend', 'communityWorkRanking']) {
      const notADate = await ask(field, 'from: "2026-02-30"');
      expect([field, code(notADate)]).toEqual([field, 'BAD_USER_INPUT']);
      expect(notADate.errors![0].message).toMatch(/from must be a calendar date/);
      const backwards = await ask(field, 'from: "2026-06-01", to: "2026-01-01"');
      expect([field, code(backwards)]).toEqual([field, 'BAD_USER_INPUT']);
      expect(backwards.errors![0].message).toMatch(/from \(2026-06-01\) must be earlier than to/);
      expect([field, code(await ask(field, 'to: "26-01-01"'))]).toEqual([field, 'BAD_USER_INPUT']);
    }
  });

  // ---- cost ----

  it('costs the same SQL statements in the community subgraph for all communities of the district as for a few', async () => {
    const q = `query ($streets: Int!, $communities: Int!) { district(code: "${district}") { streets(first: $streets) { edges { node { communities(first: $communities) { edges { node { code
      populationStatistics { households residents keyPersons aged70OrOver } communityWorkStatistics(from: "2026-01-01", to: "2027-01-01") { openWishes errandsDoneInPeriod mustVisitsLate volunteerActivitiesInPeriod }
    } } } } } } } }`;
    const statements = async (streets: number, communities: number) => {
      sqlStatements.reset();
      const data = ok(await call('district', q, { streets, communities }));
      const codes = data.district.streets.edges.flatMap((s: any) => s.node.communities.edges.map((c: any) => c.node.code));
      return { n: sqlStatements.snapshot().community, codes, data };
    };
    const few = await statements(1, 2);
    const all = await statements(100, 100);
    expect(few.codes).toHaveLength(2);
    expect(all.codes).toEqual(demo.communities.map((c) => c.code).sort());
    expect(all.n).toBeGreaterThan(0);
    expect(all.n).toBe(few.n);
    // The lookups, the child lists and one statement per statistics field.
    expect(all.n).toBeLessThanOrEqual(8);
  });
});
