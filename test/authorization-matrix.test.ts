import { generateDemo, type BuildingSeed, type UnitSeed } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, TOPOLOGY_CASES, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/**
 * The authorization matrix: every tier as caller, targets in its own subtree, in a sibling's subtree
 * and among its ancestors, several operations per subgraph, each through the gateway and directly
 * against the owning subgraph. Expected results follow from the scope rule alone:
 * own subtree → everything; ancestors → breadcrumb (id, code, name, tier) only; siblings → FORBIDDEN.
 * Records looked up by id answer null outside the subtree; changes outside it are FORBIDDEN and
 * change nothing. Partners get their own pairings and the wishes opened to them, nothing of the units.
 *
 * authorization-schema-matrix.test.ts generates the matrix from the schema (every root field and entity
 * type, refused changes); this file walks records across units and tries the allowed changes.
 *
 * The whole matrix runs in both topologies, each on a database of its own: the gateway reaching the
 * subgraphs over HTTP (separate processes, Kubernetes) and calling them in-process with the caller it
 * verified (one process, `pnpm start`).
 */
// Two real districts: Chuanhui and one more of its size, so a district's sibling is a district with data.
const demo = generateDemo({ scale: 0.3, districts: 2 });
type Tier = 'DISTRICT' | 'STREET' | 'COMMUNITY' | 'GRID' | 'BUILDING';
const TIERS: Tier[] = ['DISTRICT', 'STREET', 'COMMUNITY', 'GRID', 'BUILDING'];
const UNITS: Record<Tier, UnitSeed[]> = {
  DISTRICT: demo.districts,
  STREET: demo.streets,
  COMMUNITY: demo.communities,
  GRID: demo.grids,
  BUILDING: demo.buildings,
};
const TYPE: Record<Tier, string> = { DISTRICT: 'District', STREET: 'Street', COMMUNITY: 'Community', GRID: 'Grid', BUILDING: 'Building' };
const OWNER: Record<Tier, string> = { DISTRICT: 'district', STREET: 'street', COMMUNITY: 'community', GRID: 'grid', BUILDING: 'building' };
const LOOKUP: Record<Tier, string> = { DISTRICT: 'district', STREET: 'street', COMMUNITY: 'community', GRID: 'grid', BUILDING: 'building' };
const LIST: Record<Tier, string> = { DISTRICT: 'districts', STREET: 'streets', COMMUNITY: 'communities', GRID: 'grids', BUILDING: 'buildings' };
/** A field beyond the breadcrumb, served by the owning subgraph or a neighbour. */
const FULL_FIELD: Record<Tier, string> = {
  DISTRICT: 'streets(first: 1) { totalCount }',
  STREET: 'communities(first: 1) { totalCount }',
  COMMUNITY: 'households',
  GRID: 'buildings(first: 1) { totalCount }',
  BUILDING: 'floors',
};

type Relation = 'own' | 'child' | 'sibling' | 'ancestor';
type Expect = 'data' | 'forbidden';

const within = (code: string, scope: string) => code.startsWith(scope);
const childTier = (t: Tier) => TIERS[TIERS.indexOf(t) + 1];
const parentTier = (t: Tier) => TIERS[TIERS.indexOf(t) - 1];

/** The caller's unit: the first of its tier whose parent has another child (so a sibling exists). */
function callerUnit(tier: Tier): UnitSeed {
  if (tier === 'DISTRICT') return UNITS.DISTRICT[0];
  return UNITS[tier].find((u) => UNITS[tier].some((o) => o.code !== u.code && o.parentId === u.parentId)) ?? UNITS[tier][0];
}

function targets(tier: Tier, unit: UnitSeed): { relation: Relation; tier: Tier; code: string }[] {
  const list: { relation: Relation; tier: Tier; code: string }[] = [{ relation: 'own', tier, code: unit.code }];
  if (tier !== 'BUILDING') {
    const child = UNITS[childTier(tier)].find((c) => c.parentId === unit.id)!;
    list.push({ relation: 'child', tier: childTier(tier), code: child.code });
  }
  // A sibling: another unit of the same tier (for a district, the other district).
  const sibling = UNITS[tier].find((o) => o.code !== unit.code && o.parentId === unit.parentId)!.code;
  list.push({ relation: 'sibling', tier, code: sibling });
  if (tier !== 'BUILDING') {
    const cousin = UNITS[childTier(tier)].find((c) => within(c.code, sibling));
    if (cousin) list.push({ relation: 'sibling', tier: childTier(tier), code: cousin.code });
  }
  if (tier !== 'DISTRICT') list.push({ relation: 'ancestor', tier: parentTier(tier), code: unit.code.slice(0, unit.code.length - 3) });
  return list;
}

/** 'data', 'forbidden' (an Expect), 'null', or the error's code and message. */
function outcome(res: GraphQLResponse, field: string): string {
  const error = res.errors?.[0];
  if (!error) return (res.data as Record<string, unknown> | undefined)?.[field] != null ? 'data' : 'null';
  return error.extensions?.code === 'FORBIDDEN' ? 'forbidden' : `error ${error.extensions?.code}: ${error.message}`;
}

/** The outcome of a lookup by id: the record, or null when it lies outside the caller's subtree. */
type Lookup = 'data' | 'null';
const DATE = '2026-11-02';
const orgById = new Map(demo.partyOrganisations.map((o) => [o.id, o]));
/** Members of a party organisation or of any organisation below it. */
function membersUnder(orgId: string): string[] {
  const under = (id: string): boolean => id === orgId || (orgById.get(id)?.parentId ? under(orgById.get(id)!.parentId!) : false);
  return demo.partyMembers.filter((m) => under(m.organisationId)).map((m) => m.id);
}

describe.each(TOPOLOGY_CASES)('authorization matrix (%s topology)', (topology) => {
  let platform: InProcessPlatform;
  let cases = 0;
  beforeAll(async () => {
    // The partner safelist is off here, and only it: the matrix probes each subgraph's own scope for a
    // partner with ad-hoc operations, through the gateway and directly, which the safelist would refuse
    // at the gateway before any subgraph is asked. The safelist has its own tests
    // (test/partner-api.test.ts, and the partner tests of each subgraph expect its refusal); rate limits
    // and operation limits stay on.
    platform = await startPlatform(await preparedDatabase({ dataset: demo }), undefined, { partnerSafelist: false, topology });
  });
  afterAll(async () => {
    await platform?.stop();

    console.log(`authorization matrix (${topology} topology): ${cases} cases run`);
  });

  const subgraphUrl = (name: string) => platform.subgraphs[name].url;
  /** Reads with the token of the district of `code` (to find records and to see that a refused change changed nothing). */
  const asDistrict = async (query: string, variables: Record<string, unknown>, code = '411602') => {
    const res = await gql(platform.gatewayUrl, query, variables, await authHeader({ tier: 'DISTRICT', unit: code.slice(0, 6), roles: ['STAFF'] } as never));
    expect(res.errors).toBeUndefined();
    return res.data;
  };

  interface Records {
    community: string;
    grid: string;
    residentId?: string;
    agentId?: string;
    wishId?: string;
    teamId?: string;
    resolutionId?: string;
    pairingId?: string;
    activityId?: string;
    reportId?: string;
    organisationId?: string;
    organisationUnit?: string;
    meetingId?: string;
    members: string[];
    memberId?: string;
  }
  const recordsCache = new Map<string, Promise<Records>>();
  /** Issue 5 records attached to a building and the units above it: a resident, the grid's agent, the community's wish, team, meeting, pairing… */
  function recordsOf(b: BuildingSeed): Promise<Records> {
    if (!recordsCache.has(b.code)) {
      recordsCache.set(
        b.code,
        (async () => {
          const c = b.code.slice(0, 12);
          const g = b.code.slice(0, 15);
          const d = await asDistrict(
            `query ($b: String!, $g: String!, $c: String!) {
            building(code: $b) { registeredHouseholds(first: 5) { edges { node { residents { id } } } } }
            grid(code: $g) { livelihoodAgents { id } }
            community(code: $c) {
              volunteerTeams { id } jointMeetings(first: 1) { edges { node { resolutions { id } } } } pairings { id active }
              partnerActivities(first: 1) { edges { node { id } } } serviceReports(first: 1) { edges { node { id } } }
            }
            wishes(communityCode: $c, first: 1) { edges { node { id } } }
          }`,
            { b: b.code, g, c },
            b.code,
          );
          // A branch of the community (attached to the community or one of its grids) with members; its meetings are seeded.
          const organisation = demo.partyOrganisations.find((o) => o.kind === 'BRANCH' && o.unitCode.startsWith(c) && membersUnder(o.id).length > 0);
          const meetings = organisation
            ? await asDistrict(
                `query ($id: ID!) { partyOrganisation(id: $id) { meetings(first: 1) { edges { node { id } } } } }`,
                { id: organisation.id },
                b.code,
              )
            : null;
          return {
            community: c,
            grid: g,
            residentId: d.building.registeredHouseholds.edges.flatMap((e: any) => e.node.residents)[0]?.id,
            agentId: d.grid.livelihoodAgents[0]?.id,
            wishId: d.wishes.edges[0]?.node.id,
            teamId: d.community.volunteerTeams[0]?.id,
            resolutionId: d.community.jointMeetings.edges[0]?.node.resolutions[0]?.id,
            pairingId: d.community.pairings.find((p: any) => p.active)?.id,
            activityId: d.community.partnerActivities.edges[0]?.node.id,
            reportId: d.community.serviceReports.edges[0]?.node.id,
            organisationId: organisation?.id,
            organisationUnit: organisation?.unitCode,
            meetingId: meetings?.partyOrganisation.meetings.edges[0]?.node.id,
            members: organisation ? membersUnder(organisation.id) : [],
            memberId: demo.partyMembers.find((m) => m.path.split('.')[2] === c)?.id,
          };
        })(),
      );
    }
    return recordsCache.get(b.code)!;
  }

  for (const callerTier of TIERS) {
    const unit = callerUnit(callerTier);
    describe(`${callerTier} caller (${unit.code})`, () => {
      let headers: Record<string, string>;
      beforeAll(async () => {
        headers = await authHeader({ tier: callerTier, unit: unit.code, roles: ['STAFF'] } as never);
      });

      for (const target of targets(callerTier, unit)) {
        const breadcrumb: Expect = target.relation === 'sibling' ? 'forbidden' : 'data';
        const full: Expect = target.relation === 'own' || target.relation === 'child' ? 'data' : 'forbidden';
        const label = `${target.relation} ${target.tier.toLowerCase()} ${target.code}`;

        it(`${label}: lookup, full field, _entities and party/pairing fields, via the gateway and directly`, async () => {
          const q = `query ($code: String!) { r: ${LOOKUP[target.tier]}(code: $code) { code name tier } }`;
          const qFull = `query ($code: String!) { r: ${LOOKUP[target.tier]}(code: $code) { ${FULL_FIELD[target.tier]} } }`;
          const qParty = `query ($code: String!) { r: ${LOOKUP[target.tier]}(code: $code) { partyOrganisations { name } } }`;
          const entity = (selection: string) =>
            `query ($reps: [_Any!]!) { r: _entities(representations: $reps) { ... on ${TYPE[target.tier]} { ${selection} } } }`;
          const reps = { reps: [{ __typename: TYPE[target.tier], code: target.code }] };
          const checks: [string, Promise<GraphQLResponse>, Expect][] = [
            ['lookup via gateway', gql(platform.gatewayUrl, q, { code: target.code }, headers), breadcrumb],
            ['lookup direct', gql(subgraphUrl(OWNER[target.tier]), q, { code: target.code }, headers), breadcrumb],
            ['full field via gateway', gql(platform.gatewayUrl, qFull, { code: target.code }, headers), full],
            ['party organisations via gateway', gql(platform.gatewayUrl, qParty, { code: target.code }, headers), full],
            ['_entities breadcrumb direct at owner', gql(subgraphUrl(OWNER[target.tier]), entity('name'), reps, headers), breadcrumb],
            ['_entities party organisations direct at party', gql(subgraphUrl('party'), entity('partyOrganisations { name }'), reps, headers), full],
          ];
          const qCases = `query ($code: String!) { r: caseCounts(unitCode: $code) { total } }`;
          checks.push(['case counts via gateway', gql(platform.gatewayUrl, qCases, { code: target.code }, headers), full]);
          checks.push(['case counts direct at grid', gql(subgraphUrl('grid'), qCases, { code: target.code }, headers), full]);
          checks.push([
            'case list via gateway',
            gql(platform.gatewayUrl, `query ($code: String!) { r: cases(unitCode: $code, first: 1) { totalCount } }`, { code: target.code }, headers),
            full,
          ]);
          if (target.tier !== 'BUILDING') {
            const childOwner = OWNER[childTier(target.tier)];
            checks.push([
              '_entities child list direct at child owner',
              gql(subgraphUrl(childOwner), entity(FULL_FIELD[target.tier].replace('households', 'grids(first: 1) { totalCount }')), reps, headers),
              full,
            ]);
          }
          if (target.tier === 'BUILDING') {
            checks.push([
              'building work via gateway',
              gql(
                platform.gatewayUrl,
                `query ($code: String!) { r: building(code: $code) { opinions(first: 1) { totalCount } instabilityChecks(first: 1) { totalCount } leader { since } } }`,
                { code: target.code },
                headers,
              ),
              full,
            ]);
          }
          if (target.tier === 'COMMUNITY') {
            checks.push([
              'pairings via gateway',
              gql(platform.gatewayUrl, `query ($code: String!) { r: community(code: $code) { pairings { id } } }`, { code: target.code }, headers),
              full,
            ]);
            checks.push(['_entities pairings direct at pairing', gql(subgraphUrl('pairing'), entity('pairings { id }'), reps, headers), full]);
          }
          // Issue 5: residents and the four must-visits, errands, volunteers, joint meetings, party life, partners' activities.
          const byCode = (query: string, url = platform.gatewayUrl) => gql(url, `query ($code: String!) { r: ${query} }`, { code: target.code }, headers);
          checks.push([
            'visits due via gateway',
            byCode('visitsDue(unitCode: $code, year: 2026, asOf: "2026-11-15") { counts { due done late total } }'),
            full,
          ]);
          checks.push([
            'visits due direct at community',
            byCode('visitsDue(unitCode: $code, year: 2026, asOf: "2026-11-15") { counts { total } }', subgraphUrl('community')),
            full,
          ]);
          checks.push(['errand counts via gateway', byCode('errandCounts(unitCode: $code) { total done }'), full]);
          checks.push(['errand counts direct at community', byCode('errandCounts(unitCode: $code) { total }', subgraphUrl('community')), full]);
          checks.push(['agent errand counts via gateway', byCode('agentErrandCounts(unitCode: $code) { counts { total } }'), full]);
          if (target.tier === 'DISTRICT' || target.tier === 'STREET' || target.tier === 'COMMUNITY') {
            checks.push([
              'service report counts via gateway',
              byCode(`${LOOKUP[target.tier]}(code: $code) { serviceReportCounts { accepted serviceHours } }`),
              full,
            ]);
            checks.push([
              '_entities service report counts direct at party',
              gql(subgraphUrl('party'), entity('serviceReportCounts { accepted }'), reps, headers),
              full,
            ]);
          }
          if (target.tier === 'COMMUNITY') {
            checks.push(['residents via gateway', byCode('community(code: $code) { residents(first: 1) { totalCount edges { node { name } } } }'), full]);
            checks.push([
              '_entities residents direct at community',
              gql(subgraphUrl('community'), entity('residents(first: 1) { totalCount }'), reps, headers),
              full,
            ]);
            checks.push(['volunteer teams via gateway', byCode('community(code: $code) { volunteerTeams { id activities(first: 1) { totalCount } } }'), full]);
            checks.push([
              'joint meetings via gateway',
              byCode('community(code: $code) { jointMeetings(first: 1) { totalCount edges { node { resolutions { status } } } } }'),
              full,
            ]);
            checks.push(['facilities and errands via gateway', byCode('community(code: $code) { facilities { name } errandCounts { total } }'), full]);
            checks.push(['wishes via gateway', byCode('wishes(communityCode: $code, first: 1) { totalCount }'), full]);
            checks.push(['wish wall direct at community', byCode('wishWall(communityCode: $code, first: 1) { totalCount }', subgraphUrl('community')), full]);
            checks.push(['service reports via gateway', byCode('community(code: $code) { serviceReports(first: 1) { totalCount } }'), full]);
            checks.push([
              '_entities service reports direct at party',
              gql(subgraphUrl('party'), entity('serviceReports(first: 1) { totalCount }'), reps, headers),
              full,
            ]);
            checks.push(['partner activities via gateway', byCode('community(code: $code) { partnerActivities(first: 1) { totalCount } }'), full]);
            checks.push([
              '_entities partner activities direct at pairing',
              gql(subgraphUrl('pairing'), entity('partnerActivities(first: 1) { totalCount }'), reps, headers),
              full,
            ]);
          }
          if (target.tier === 'GRID') {
            checks.push(['livelihood agents via gateway', byCode('grid(code: $code) { livelihoodAgents { id errands(last: 1) { status } } }'), full]);
            checks.push([
              '_entities livelihood agents direct at community',
              gql(subgraphUrl('community'), entity('livelihoodAgents { id }'), reps, headers),
              full,
            ]);
          }
          if (target.tier === 'BUILDING') {
            checks.push([
              'households via gateway',
              byCode('building(code: $code) { registeredHouseholds(first: 1) { totalCount edges { node { room } } } }'),
              full,
            ]);
            checks.push([
              '_entities households direct at community',
              gql(subgraphUrl('community'), entity('registeredHouseholds(first: 1) { totalCount }'), reps, headers),
              full,
            ]);
          }
          const results = await Promise.all(checks.map(async ([name, response, expected]) => [name, outcome(await response, 'r'), expected] as const));
          cases += results.length;
          for (const [name, actual, expected] of results) expect(`${name}: ${actual}`).toBe(`${name}: ${expected}`);
        });
      }

      it('root lists count only its own subtree, so totalCount and pages are right', async () => {
        for (const listTier of TIERS) {
          const res = await gql(platform.gatewayUrl, `{ r: ${LIST[listTier]}(first: 100) { totalCount edges { node { code } } } }`, undefined, headers);
          expect(res.errors).toBeUndefined();
          const expected = UNITS[listTier]
            .filter((u) => within(u.code, unit.code))
            .map((u) => u.code)
            .sort();
          const page = res.data.r;
          expect(page.totalCount).toBe(expected.length);
          expect(page.edges.map((e: any) => e.node.code)).toEqual(expected.slice(0, 100));
          cases++;
        }
      });

      it('changes a community only inside its subtree, and a refused change changes nothing', async () => {
        const candidates: [string, Expect][] = [];
        const own = UNITS.COMMUNITY.find((c) => within(c.code, unit.code));
        if (own) candidates.push([own.code, 'data']);
        const sibling = UNITS.COMMUNITY.find((c) => !within(c.code, unit.code) && !within(unit.code, c.code));
        if (sibling) candidates.push([sibling.code, 'forbidden']);
        if (callerTier === 'GRID' || callerTier === 'BUILDING') candidates.push([unit.code.slice(0, 12), 'forbidden']);
        for (const [code, expected] of candidates) {
          const district = await authHeader({ tier: 'DISTRICT', unit: code.slice(0, 6) } as never);
          const staff = 1000 - cases;
          const res = await gql(
            platform.gatewayUrl,
            `mutation ($code: String!, $staff: Int!) { r: updateCommunityProfile(code: $code, input: { staff: $staff }) { code staff } }`,
            { code, staff },
            headers,
          );
          expect(`${code}: ${outcome(res, 'r')}`).toBe(`${code}: ${expected}`);
          const after = await gql(platform.gatewayUrl, `query ($code: String!) { community(code: $code) { staff } }`, { code }, district);
          if (expected === 'data') expect(after.data.community.staff).toBe(staff);
          else expect(after.data.community.staff).not.toBe(staff);
          cases++;
        }
      });

      it('issue 5 records: read by id, listed and changed only inside its subtree; a sibling’s or an ancestor’s give null or FORBIDDEN and change nothing', async () => {
        const gw = platform.gatewayUrl;
        const at: Record<string, string> = { community: subgraphUrl('community'), party: subgraphUrl('party'), pairing: subgraphUrl('pairing') };
        const inside = UNITS.BUILDING.find((b) => within(b.code, unit.code))! as BuildingSeed;
        const siblingCode = targets(callerTier, unit).find((t) => t.relation === 'sibling' && t.tier === callerTier)!.code;
        const outside = UNITS.BUILDING.find((b) => within(b.code, siblingCode)) as BuildingSeed | undefined;
        const mine = (code: string) => within(code, unit.code);
        const lookup = (code: string): Lookup => (mine(code) ? 'data' : 'null');
        const change = (code: string): Expect => (mine(code) ? 'data' : 'forbidden');
        const missing: string[] = [];
        const run = async (name: string, url: string, query: string, variables: Record<string, unknown>, expected: Expect | Lookup) => {
          const res = await gql(url, query, variables, headers);
          expect(`${name}: ${outcome(res, 'r')}`).toBe(`${name}: ${expected}`);
          cases++;
          return res;
        };

        for (const building of [inside, ...(outside ? [outside] : [])]) {
          const rec = await recordsOf(building);
          const { community: c, grid: g } = rec;
          const where = `${mine(building.code) ? 'inside' : 'outside'} ${building.code}`;
          for (const [key, value] of Object.entries(rec)) if (value === undefined) missing.push(`${where}: ${key}`);
          const both = (subgraph: string) =>
            [
              [`via gateway`, gw],
              [`direct at ${subgraph}`, at[subgraph]],
            ] as const;

          // Lookups by id.
          for (const [via, url] of both('community')) {
            if (rec.residentId)
              await run(`resident ${where} ${via}`, url, `query ($id: ID!) { r: resident(id: $id) { id age } }`, { id: rec.residentId }, lookup(building.code));
            if (rec.wishId) await run(`wish ${where} ${via}`, url, `query ($id: ID!) { r: wish(id: $id) { id state } }`, { id: rec.wishId }, lookup(c));
            await run(`wish wall ${where} ${via}`, url, `query ($c: String!) { r: wishWall(communityCode: $c, first: 5) { totalCount } }`, { c }, change(c));
          }
          for (const [via, url] of both('party')) {
            if (rec.organisationId)
              await run(
                `party organisation meetings ${where} ${via}`,
                url,
                `query ($id: ID!) { r: partyOrganisation(id: $id) { id meetings(first: 1) { totalCount } meetingSummary(year: 2026) { total } } }`,
                { id: rec.organisationId },
                lookup(rec.organisationUnit!),
              );
            if (rec.meetingId)
              await run(
                `organisation meeting ${where} ${via}`,
                url,
                `query ($id: ID!) { r: organisationMeeting(id: $id) { id attendanceRate } }`,
                { id: rec.meetingId },
                lookup(rec.organisationUnit!),
              );
            if (rec.reportId)
              await run(`service report ${where} ${via}`, url, `query ($id: ID!) { r: serviceReport(id: $id) { id status } }`, { id: rec.reportId }, lookup(c));
          }
          for (const [via, url] of both('pairing')) {
            if (rec.pairingId)
              await run(`pairing ${where} ${via}`, url, `query ($id: ID!) { r: pairing(id: $id) { id active } }`, { id: rec.pairingId }, lookup(c));
            if (rec.activityId)
              await run(
                `partner activity ${where} ${via}`,
                url,
                `query ($id: ID!) { r: partnerActivity(id: $id) { id volunteers } }`,
                { id: rec.activityId },
                lookup(c),
              );
          }

          // Changes. A wish posted and claimed; a refused one leaves the wall as it was.
          const wishCount = async () =>
            (await asDistrict(`query ($c: String!) { wishes(communityCode: $c, first: 1) { totalCount } }`, { c }, c)).wishes.totalCount;
          const wishesBefore = await wishCount();
          const posted = await run(
            `post wish ${where}`,
            gw,
            `mutation ($i: PostWishInput!) { r: postWish(input: $i) { id state } }`,
            { i: { communityCode: c, text: `矩阵心愿 ${callerTier}`, category: 'OTHER', beneficiaryName: '矩阵', openToPartners: false } },
            change(c),
          );
          expect(await wishCount()).toBe(wishesBefore + (change(c) === 'data' ? 1 : 0));
          const wishId = posted.data?.r?.id ?? rec.wishId;
          if (wishId && rec.memberId) {
            const stateOf = async () => (await asDistrict(`query ($id: ID!) { wish(id: $id) { state version } }`, { id: wishId }, c)).wish;
            const stateBefore = await stateOf();
            await run(
              `claim wish ${where}`,
              gw,
              `mutation ($i: ClaimWishInput!) { r: claimWish(input: $i) { id state } }`,
              { i: { wishId, partyMemberId: rec.memberId } },
              change(c),
            );
            expect(await stateOf()).toEqual(change(c) === 'data' ? { state: 'CLAIMED', version: 2 } : stateBefore);
          }
          const team = await run(
            `create volunteer team ${where}`,
            gw,
            `mutation ($i: VolunteerTeamInput!) { r: createVolunteerTeam(input: $i) { id } }`,
            { i: { communityCode: c, name: `矩阵志愿队 ${callerTier}`, kind: 'YOUTH', members: 3, leaderName: '矩阵' } },
            change(c),
          );
          const teamId = team.data?.r?.id ?? rec.teamId;
          if (teamId)
            await run(
              `record volunteer activity ${where}`,
              gw,
              `mutation ($i: VolunteerActivityInput!) { r: recordVolunteerActivity(input: $i) { id } }`,
              { i: { teamId, heldOn: DATE, kind: '义诊', title: '矩阵活动', participants: 2, beneficiaries: 9 } },
              change(c),
            );
          const meeting = await run(
            `record joint meeting ${where}`,
            gw,
            `mutation ($i: JointMeetingInput!) { r: recordJointMeeting(input: $i) { id resolutions { id } } }`,
            {
              i: {
                communityCode: c,
                heldOn: DATE,
                parties: ['PARTY_COMMITTEE', 'RESIDENTS_COMMITTEE', 'PROPERTY_COMPANY', 'POLICE_STATION'],
                topics: ['矩阵议题'],
                resolutions: [{ text: '矩阵决议', owner: 'PROPERTY_COMPANY' }],
              },
            },
            change(c),
          );
          const resolutionId = meeting.data?.r?.resolutions[0]?.id ?? rec.resolutionId;
          if (resolutionId)
            await run(
              `follow up resolution ${where}`,
              gw,
              `mutation ($i: FollowUpInput!) { r: followUpResolution(input: $i) { id status } }`,
              { i: { resolutionId, status: 'OPEN', note: '矩阵跟进' } },
              change(c),
            );
          await run(
            `record facility ${where}`,
            gw,
            `mutation ($i: FacilityInput!) { r: recordFacility(input: $i) { name } }`,
            { i: { communityCode: c, kind: 'SERVICE_CENTRE', name: `矩阵中心 ${callerTier}`, floorAreaM2: 80, openingHours: '全天' } },
            change(c),
          );
          if (rec.agentId)
            await run(
              `record errand ${where}`,
              gw,
              `mutation ($i: ErrandInput!) { r: recordErrand(input: $i) { id } }`,
              { i: { agentId: rec.agentId, kind: 'UTILITY_BILL', residentName: '矩阵', requestedOn: DATE } },
              change(g),
            );
          if (rec.residentId) {
            // Visits are recorded by the staff closest to the resident: community and grid staff (building leaders need their role), not street or district supervisors.
            const recorder = callerTier === 'COMMUNITY' || callerTier === 'GRID';
            const visits = async () =>
              (await asDistrict(`query ($id: ID!) { resident(id: $id) { visits(since: "2026-01-01") { id } } }`, { id: rec.residentId }, building.code))
                .resident.visits.length;
            const visitsBefore = await visits();
            const expected: Expect = mine(building.code) && recorder ? 'data' : 'forbidden';
            await run(
              `record visit ${where}`,
              gw,
              `mutation ($i: RecordVisitInput!) { r: recordVisit(input: $i) { id } }`,
              { i: { residentId: rec.residentId, visitedOn: DATE, kind: 'ROUTINE' } },
              expected,
            );
            expect(await visits()).toBe(visitsBefore + (expected === 'data' ? 1 : 0));
          }
          if (rec.organisationId && rec.members.length) {
            await run(
              `record party meeting ${where}`,
              gw,
              `mutation ($i: RecordMeetingInput!) { r: recordMeeting(input: $i) { id presentCount } }`,
              {
                i: {
                  organisationId: rec.organisationId,
                  kind: 'PARTY_LESSON',
                  heldOn: DATE,
                  topic: '矩阵党课',
                  presentMemberIds: [rec.members[0]],
                  absentMemberIds: [],
                },
              },
              change(rec.organisationUnit!),
            );
          }
          if (rec.pairingId) {
            // Community STAFF record on a partner's behalf for their own community's pairings only.
            await run(
              `record partner activity ${where}`,
              gw,
              `mutation ($i: RecordPartnerActivityInput!) { r: recordPartnerActivity(input: $i) { id } }`,
              {
                i: { pairingId: rec.pairingId, kind: 'SOCIAL_CARE', heldOn: DATE, title: '矩阵服务', volunteers: 2, beneficiaries: 5 },
              },
              mine(c) && callerTier === 'COMMUNITY' ? 'data' : 'forbidden',
            );
          }
        }
        // The demo gives every unit used here its records, so no check above was skipped.
        expect(missing).toEqual([]);
      });
    });
  }

  describe('PARTNER caller', () => {
    // A social organisation with a running pairing; its token lists all its paired communities.
    const pairing = demo.pairings.find((p) => p.socialOrganisationId && !p.endedOn)!;
    const org = pairing.socialOrganisationId!;
    const paired = [...new Set(demo.pairings.filter((p) => p.socialOrganisationId === org).map((p) => p.communityCode))];
    const community = pairing.communityCode;
    const unpaired = UNITS.COMMUNITY.find((c) => !paired.includes(c.code))!.code;
    const othersPairing = demo.pairings.find((p) => p.socialOrganisationId !== org && !p.endedOn)!;
    const building = UNITS.BUILDING.find((b) => within(b.code, community))! as BuildingSeed;
    let headers: Record<string, string>;
    let rec: Records;
    const wishes: Record<'open' | 'closed' | 'elsewhere', string> = { open: '', closed: '', elsewhere: '' };
    let othersActivity: string;

    beforeAll(async () => {
      headers = await authHeader({ tier: 'PARTNER', org, communities: paired, roles: [] } as never);
      rec = await recordsOf(building);
      for (const [key, communityCode, openToPartners] of [
        ['open', community, true],
        ['closed', community, false],
        ['elsewhere', unpaired, true],
      ] as const) {
        const staff = await authHeader({ tier: 'COMMUNITY', unit: communityCode, roles: ['STAFF'] } as never);
        const res = await gql(
          platform.gatewayUrl,
          `mutation ($i: PostWishInput!) { postWish(input: $i) { id } }`,
          { i: { communityCode, text: `伙伴矩阵 ${key}`, category: 'OTHER', beneficiaryName: '矩阵', openToPartners } },
          staff,
        );
        expect(res.errors).toBeUndefined();
        wishes[key] = res.data.postWish.id;
      }
      othersActivity = (await asDistrict(`query ($id: ID!) { pairing(id: $id) { activities(first: 1) { edges { node { id } } } } }`, { id: othersPairing.id }))
        .pairing.activities.edges[0].node.id;
    });

    it('reads its own pairings and activities and the wishes opened to it in its paired communities; nothing of the units, residents or party', async () => {
      const gw = platform.gatewayUrl;
      const at = (name: string) => subgraphUrl(name);
      const ours = await gql(
        gw,
        `mutation ($i: RecordPartnerActivityInput!) { r: recordPartnerActivity(input: $i) { id } }`,
        {
          i: { pairingId: pairing.id, kind: 'MEDICAL_SERVICE', heldOn: DATE, title: '矩阵义诊', volunteers: 4, beneficiaries: 30 },
        },
        headers,
      );
      expect(outcome(ours, 'r')).toBe('data');
      const own = ours.data!.r.id as string;
      const entity = (type: string, selection: string) =>
        `query ($reps: [_Any!]!) { r: _entities(representations: $reps) { ... on ${type} { ${selection} } } }`;
      const community$ = { code: community };
      const checks: [string, string, string, Record<string, unknown>, Expect | Lookup][] = [
        ['residents via gateway', gw, `query ($code: String!) { r: community(code: $code) { residents(first: 1) { totalCount } } }`, community$, 'forbidden'],
        [
          '_entities residents direct at community',
          at('community'),
          entity('Community', 'residents(first: 1) { totalCount }'),
          { reps: [{ __typename: 'Community', code: community }] },
          'forbidden',
        ],
        [
          'households via gateway',
          gw,
          `query ($code: String!) { r: building(code: $code) { registeredHouseholds(first: 1) { totalCount } } }`,
          { code: building.code },
          'forbidden',
        ],
        [
          '_entities households direct at community',
          at('community'),
          entity('Building', 'registeredHouseholds(first: 1) { totalCount }'),
          { reps: [{ __typename: 'Building', code: building.code }] },
          'forbidden',
        ],
        ['resident lookup via gateway', gw, `query ($id: ID!) { r: resident(id: $id) { id } }`, { id: rec.residentId }, 'forbidden'],
        ['resident lookup direct at community', at('community'), `query ($id: ID!) { r: resident(id: $id) { id } }`, { id: rec.residentId }, 'forbidden'],
        [
          'visits due via gateway',
          gw,
          `query ($code: String!) { r: visitsDue(unitCode: $code, year: 2026, asOf: "2026-11-15") { counts { total } } }`,
          community$,
          'forbidden',
        ],
        [
          'visits due direct at community',
          at('community'),
          `query ($code: String!) { r: visitsDue(unitCode: $code, year: 2026, asOf: "2026-11-15") { counts { total } } }`,
          community$,
          'forbidden',
        ],
        ['festival calendar via gateway', gw, `{ r: festivals { year } }`, {}, 'forbidden'],
        ['errand counts via gateway', gw, `query ($code: String!) { r: errandCounts(unitCode: $code) { total } }`, community$, 'forbidden'],
        [
          'errand counts direct at community',
          at('community'),
          `query ($code: String!) { r: errandCounts(unitCode: $code) { total } }`,
          community$,
          'forbidden',
        ],
        [
          'agent errand counts via gateway',
          gw,
          `query ($code: String!) { r: agentErrandCounts(unitCode: $code) { counts { total } } }`,
          community$,
          'forbidden',
        ],
        ['livelihood agents via gateway', gw, `query ($code: String!) { r: grid(code: $code) { livelihoodAgents { id } } }`, { code: rec.grid }, 'forbidden'],
        ['volunteer teams via gateway', gw, `query ($code: String!) { r: community(code: $code) { volunteerTeams { id } } }`, community$, 'forbidden'],
        [
          'joint meetings via gateway',
          gw,
          `query ($code: String!) { r: community(code: $code) { jointMeetings(first: 1) { totalCount } } }`,
          community$,
          'forbidden',
        ],
        ['facilities via gateway', gw, `query ($code: String!) { r: community(code: $code) { facilities { name } } }`, community$, 'forbidden'],
        [
          'service reports via gateway',
          gw,
          `query ($code: String!) { r: community(code: $code) { serviceReports(first: 1) { totalCount } } }`,
          community$,
          'forbidden',
        ],
        [
          '_entities service report counts direct at party',
          at('party'),
          entity('Community', 'serviceReportCounts { accepted }'),
          { reps: [{ __typename: 'Community', code: community }] },
          'forbidden',
        ],
        [
          'party organisation via gateway',
          gw,
          `query ($id: ID!) { r: partyOrganisation(id: $id) { meetings(first: 1) { totalCount } } }`,
          { id: rec.organisationId },
          'forbidden',
        ],
        [
          'organisation meeting direct at party',
          at('party'),
          `query ($id: ID!) { r: organisationMeeting(id: $id) { id } }`,
          { id: rec.meetingId },
          'forbidden',
        ],
        ['service report direct at party', at('party'), `query ($id: ID!) { r: serviceReport(id: $id) { id } }`, { id: rec.reportId }, 'forbidden'],
        [
          'community partner activities via gateway',
          gw,
          `query ($code: String!) { r: community(code: $code) { partnerActivities(first: 1) { totalCount } } }`,
          community$,
          'forbidden',
        ],
        ['wish wall via gateway', gw, `{ r: wishWall(first: 100) { totalCount } }`, {}, 'data'],
        ['paired wish wall via gateway', gw, `query ($code: String!) { r: wishWall(communityCode: $code, first: 5) { totalCount } }`, community$, 'data'],
        [
          'paired wish wall direct at community',
          at('community'),
          `query ($code: String!) { r: wishWall(communityCode: $code, first: 5) { totalCount } }`,
          community$,
          'data',
        ],
        [
          'unpaired wish wall via gateway',
          gw,
          `query ($code: String!) { r: wishWall(communityCode: $code, first: 5) { totalCount } }`,
          { code: unpaired },
          'forbidden',
        ],
        [
          'unpaired wishes direct at community',
          at('community'),
          `query ($code: String!) { r: wishes(communityCode: $code, first: 5) { totalCount } }`,
          { code: unpaired },
          'forbidden',
        ],
        ['open wish via gateway', gw, `query ($id: ID!) { r: wish(id: $id) { id beneficiary } }`, { id: wishes.open }, 'data'],
        ['open wish direct at community', at('community'), `query ($id: ID!) { r: wish(id: $id) { id } }`, { id: wishes.open }, 'data'],
        ['closed wish via gateway', gw, `query ($id: ID!) { r: wish(id: $id) { id } }`, { id: wishes.closed }, 'null'],
        ['unpaired community’s open wish via gateway', gw, `query ($id: ID!) { r: wish(id: $id) { id } }`, { id: wishes.elsewhere }, 'null'],
        ['own pairing via gateway', gw, `query ($id: ID!) { r: pairing(id: $id) { id active community { name } } }`, { id: pairing.id }, 'data'],
        ['own pairing direct at pairing', at('pairing'), `query ($id: ID!) { r: pairing(id: $id) { id } }`, { id: pairing.id }, 'data'],
        ['another partner’s pairing via gateway', gw, `query ($id: ID!) { r: pairing(id: $id) { id } }`, { id: othersPairing.id }, 'null'],
        ['another partner’s pairing direct at pairing', at('pairing'), `query ($id: ID!) { r: pairing(id: $id) { id } }`, { id: othersPairing.id }, 'null'],
        ['own activity via gateway', gw, `query ($id: ID!) { r: partnerActivity(id: $id) { id volunteers } }`, { id: own }, 'data'],
        [
          'another partner’s activity direct at pairing',
          at('pairing'),
          `query ($id: ID!) { r: partnerActivity(id: $id) { id } }`,
          { id: othersActivity },
          'null',
        ],
        ['own summary via gateway', gw, `{ r: partnerActivitySummary(year: 2026) { activities } }`, {}, 'data'],
        [
          'another partner’s summary via gateway',
          gw,
          `query ($id: ID!) { r: partnerActivitySummary(year: 2026, partnerId: $id) { activities } }`,
          { id: othersPairing.socialOrganisationId ?? othersPairing.enterpriseId },
          'forbidden',
        ],
      ];
      for (const [name, url, query, variables, expected] of checks) {
        const res = await gql(url, query, variables, headers);
        expect(`${name}: ${outcome(res, 'r')}`).toBe(`${name}: ${expected}`);
        // Refused: nothing comes back (an _entities answer holds a null per representation).
        if (expected === 'forbidden') expect(`${name}: ${JSON.stringify(res.data?.r ?? null).replace(/^\[null\]$/, 'null')}`).toBe(`${name}: null`);
        cases++;
      }
    });

    it('changes only its own: claims and fulfils a wish opened to it, records activities for its own pairing; every other change is FORBIDDEN and changes nothing', async () => {
      const gw = platform.gatewayUrl;
      const changes: [string, string, Record<string, unknown>, Expect][] = [
        [
          'claim a wish opened to it',
          `mutation ($i: ClaimWishInput!) { r: claimWish(input: $i) { id state claimerKind } }`,
          { i: { wishId: wishes.open } },
          'data',
        ],
        [
          'fulfil the wish it claimed',
          `mutation ($i: WishStepInput!) { r: fulfilWish(input: $i) { state } }`,
          { i: { wishId: wishes.open, version: 2 } },
          'data',
        ],
        [
          'confirm the wish itself',
          `mutation ($i: WishStepInput!) { r: confirmWish(input: $i) { state } }`,
          { i: { wishId: wishes.open, version: 3 } },
          'forbidden',
        ],
        [
          'claim a wish not opened to partners',
          `mutation ($i: ClaimWishInput!) { r: claimWish(input: $i) { id } }`,
          { i: { wishId: wishes.closed } },
          'forbidden',
        ],
        [
          'claim a wish of an unpaired community',
          `mutation ($i: ClaimWishInput!) { r: claimWish(input: $i) { id } }`,
          { i: { wishId: wishes.elsewhere } },
          'forbidden',
        ],
        [
          'withdraw a wish',
          `mutation ($i: WishStepInput!) { r: withdrawWish(input: $i) { state } }`,
          { i: { wishId: wishes.closed, version: 1 } },
          'forbidden',
        ],
        [
          'post a wish',
          `mutation ($i: PostWishInput!) { r: postWish(input: $i) { id } }`,
          { i: { communityCode: community, text: '伙伴自己发', category: 'OTHER', beneficiaryName: 'x', openToPartners: true } },
          'forbidden',
        ],
        [
          'record an activity for another partner’s pairing',
          `mutation ($i: RecordPartnerActivityInput!) { r: recordPartnerActivity(input: $i) { id } }`,
          { i: { pairingId: othersPairing.id, kind: 'OTHER', heldOn: DATE, title: '越权', volunteers: 1, beneficiaries: 1 } },
          'forbidden',
        ],
        ['end its pairing', `mutation ($id: ID!) { r: endPairing(pairingId: $id, endedOn: "${DATE}") { id } }`, { id: pairing.id }, 'forbidden'],
        [
          'import residents',
          `mutation ($c: String!) { r: importResidents(communityCode: $c, csv: "building_code,room,name,id_card_number,phone,birth_date,gender,key_categories") { rows } }`,
          { c: community },
          'forbidden',
        ],
        [
          'record a visit',
          `mutation ($i: RecordVisitInput!) { r: recordVisit(input: $i) { id } }`,
          { i: { residentId: rec.residentId, visitedOn: DATE, kind: 'ROUTINE' } },
          'forbidden',
        ],
        [
          'record a hospital stay',
          `mutation ($i: RecordHospitalStayInput!) { r: recordHospitalStay(input: $i) { id } }`,
          { i: { residentId: rec.residentId, admittedOn: DATE } },
          'forbidden',
        ],
        [
          'record a family event',
          `mutation ($i: RecordFamilyEventInput!) { r: recordFamilyEvent(input: $i) { id } }`,
          { i: { residentId: rec.residentId, kind: 'WEDDING', happenedOn: DATE } },
          'forbidden',
        ],
        ['set a Spring Festival', `mutation { r: setSpringFestival(year: 2099, date: "2099-01-21") { date } }`, {}, 'forbidden'],
        [
          'register a livelihood agent',
          `mutation ($i: AgentInput!) { r: registerLivelihoodAgent(input: $i) { id } }`,
          { i: { gridCode: rec.grid, name: '越权', phone: '13700001111' } },
          'forbidden',
        ],
        [
          'record an errand',
          `mutation ($i: ErrandInput!) { r: recordErrand(input: $i) { id } }`,
          { i: { agentId: rec.agentId, kind: 'OTHER', residentName: 'x', requestedOn: DATE } },
          'forbidden',
        ],
        [
          'create a volunteer team',
          `mutation ($i: VolunteerTeamInput!) { r: createVolunteerTeam(input: $i) { id } }`,
          { i: { communityCode: community, name: '越权队', kind: 'YOUTH', members: 3, leaderName: 'x' } },
          'forbidden',
        ],
        [
          'record a volunteer activity',
          `mutation ($i: VolunteerActivityInput!) { r: recordVolunteerActivity(input: $i) { id } }`,
          { i: { teamId: rec.teamId, heldOn: DATE, kind: '义诊', title: '越权', participants: 1, beneficiaries: 1 } },
          'forbidden',
        ],
        [
          'record a joint meeting',
          `mutation ($i: JointMeetingInput!) { r: recordJointMeeting(input: $i) { id } }`,
          { i: { communityCode: community, heldOn: DATE, parties: ['PARTY_COMMITTEE', 'SOCIAL_ORGANISATION'], topics: ['越权'], resolutions: [] } },
          'forbidden',
        ],
        [
          'follow up a resolution',
          `mutation ($i: FollowUpInput!) { r: followUpResolution(input: $i) { id } }`,
          { i: { resolutionId: rec.resolutionId, status: 'OPEN', note: '越权' } },
          'forbidden',
        ],
        [
          'record a facility',
          `mutation ($i: FacilityInput!) { r: recordFacility(input: $i) { name } }`,
          { i: { communityCode: community, kind: 'SERVICE_CENTRE', name: '越权', floorAreaM2: 10, openingHours: '全天' } },
          'forbidden',
        ],
        [
          'record a party meeting',
          `mutation ($i: RecordMeetingInput!) { r: recordMeeting(input: $i) { id } }`,
          {
            i: {
              organisationId: rec.organisationId,
              kind: 'PARTY_LESSON',
              heldOn: DATE,
              topic: '越权',
              presentMemberIds: rec.members.slice(0, 1),
              absentMemberIds: [],
            },
          },
          'forbidden',
        ],
        [
          'report a member to a community',
          `mutation ($m: ID!, $c: String!) { r: reportToCommunity(memberId: $m, communityCode: $c, reportedOn: "${DATE}") { id } }`,
          { m: rec.memberId, c: community },
          'forbidden',
        ],
      ];
      const closedBefore = (await asDistrict(`query ($id: ID!) { wish(id: $id) { state version } }`, { id: wishes.closed })).wish;
      const wallBefore = (await asDistrict(`query ($c: String!) { wishes(communityCode: $c, first: 1) { totalCount } }`, { c: community })).wishes.totalCount;
      for (const [name, query, variables, expected] of changes) {
        const res = await gql(gw, query, variables, headers);
        expect(`${name}: ${outcome(res, 'r')}`).toBe(`${name}: ${expected}`);
        cases++;
      }
      expect((await asDistrict(`query ($id: ID!) { wish(id: $id) { state claimerKind claimedByOrganisationId } }`, { id: wishes.open })).wish).toEqual({
        state: 'FULFILLED',
        claimerKind: 'PARTNER',
        claimedByOrganisationId: org,
      });
      expect((await asDistrict(`query ($id: ID!) { wish(id: $id) { state version } }`, { id: wishes.closed })).wish).toEqual(closedBefore);
      expect((await asDistrict(`query ($c: String!) { wishes(communityCode: $c, first: 1) { totalCount } }`, { c: community })).wishes.totalCount).toBe(
        wallBefore,
      );
      const pairingNow = (await asDistrict(`query ($id: ID!) { pairing(id: $id) { active } }`, { id: pairing.id })).pairing;
      expect(pairingNow.active).toBe(true);
    });
  });
});
