import { generateDemo, type UnitSeed } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/**
 * The authorization matrix: every tier as caller, targets in its own subtree, in a sibling's subtree
 * and among its ancestors, several operations per subgraph, each through the gateway and directly
 * against the owning subgraph. Expected results follow from the scope rule alone:
 * own subtree → everything; ancestors → breadcrumb (id, code, name, tier) only; siblings → FORBIDDEN.
 */
const demo = generateDemo({ scale: 0.3 });
type Tier = 'DISTRICT' | 'STREET' | 'COMMUNITY' | 'GRID' | 'BUILDING';
const TIERS: Tier[] = ['DISTRICT', 'STREET', 'COMMUNITY', 'GRID', 'BUILDING'];
const UNITS: Record<Tier, UnitSeed[]> = { DISTRICT: demo.districts, STREET: demo.streets, COMMUNITY: demo.communities, GRID: demo.grids, BUILDING: demo.buildings };
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
  // A sibling: another unit of the same tier; for the only district, a district code that does not exist (same answer either way).
  const sibling = tier === 'DISTRICT' ? '411699' : UNITS[tier].find((o) => o.code !== unit.code && o.parentId === unit.parentId)!.code;
  list.push({ relation: 'sibling', tier, code: sibling });
  if (tier !== 'BUILDING' && tier !== 'DISTRICT') {
    const cousin = UNITS[childTier(tier)].find((c) => within(c.code, sibling));
    if (cousin) list.push({ relation: 'sibling', tier: childTier(tier), code: cousin.code });
  }
  if (tier !== 'DISTRICT') list.push({ relation: 'ancestor', tier: parentTier(tier), code: unit.code.slice(0, unit.code.length - 3) });
  return list;
}

function outcome(res: GraphQLResponse, field: string): Expect | string {
  const error = res.errors?.[0];
  if (!error) return (res.data as Record<string, unknown> | undefined)?.[field] != null ? 'data' : 'null';
  return error.extensions?.code === 'FORBIDDEN' ? 'forbidden' : `error ${error.extensions?.code}: ${error.message}`;
}

describe('authorization matrix', () => {
  let platform: InProcessPlatform;
  let cases = 0;
  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
  });
  afterAll(async () => {
    await platform?.stop();
    // eslint-disable-next-line no-console
    console.log(`authorization matrix: ${cases} cases run`);
  });

  const subgraphUrl = (name: string) => platform.subgraphs[name].url;

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
          checks.push(['case list via gateway', gql(platform.gatewayUrl, `query ($code: String!) { r: cases(unitCode: $code, first: 1) { totalCount } }`, { code: target.code }, headers), full]);
          if (target.tier !== 'BUILDING') {
            const childOwner = OWNER[childTier(target.tier)];
            checks.push(['_entities child list direct at child owner', gql(subgraphUrl(childOwner), entity(FULL_FIELD[target.tier].replace('households', 'grids(first: 1) { totalCount }')), reps, headers), full]);
          }
          if (target.tier === 'BUILDING') {
            checks.push(['building work via gateway', gql(platform.gatewayUrl, `query ($code: String!) { r: building(code: $code) { opinions(first: 1) { totalCount } instabilityChecks(first: 1) { totalCount } leader { since } } }`, { code: target.code }, headers), full]);
          }
          if (target.tier === 'COMMUNITY') {
            checks.push(['pairings via gateway', gql(platform.gatewayUrl, `query ($code: String!) { r: community(code: $code) { pairings { id } } }`, { code: target.code }, headers), full]);
            checks.push(['_entities pairings direct at pairing', gql(subgraphUrl('pairing'), entity('pairings { id }'), reps, headers), full]);
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
          const expected = UNITS[listTier].filter((u) => within(u.code, unit.code)).map((u) => u.code).sort();
          const page = (res.data as any).r;
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
        const district = await authHeader({ tier: 'DISTRICT', unit: '411602' } as never);
        for (const [code, expected] of candidates) {
          const staff = 1000 - cases;
          const res = await gql(platform.gatewayUrl, `mutation ($code: String!, $staff: Int!) { r: updateCommunityProfile(code: $code, input: { staff: $staff }) { code staff } }`, { code, staff }, headers);
          expect(`${code}: ${outcome(res, 'r')}`).toBe(`${code}: ${expected}`);
          const after = await gql(platform.gatewayUrl, `query ($code: String!) { community(code: $code) { staff } }`, { code }, district);
          if (expected === 'data') expect((after.data as any).community.staff).toBe(staff);
          else expect((after.data as any).community.staff).not.toBe(staff);
          cases++;
        }
      });
    });
  }
});
