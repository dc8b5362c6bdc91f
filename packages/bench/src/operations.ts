import { Role, signToken, type Claims } from '@cgp/core';
import { demoStaffSub } from '@cgp/demo-data';
import type { DemoDataset } from '@cgp/demo-data';

/** One GraphQL request of an operation: the body and who sends it. */
export interface BenchRequest {
  body: string;
  authorization: string;
}

/** An operation of the mix: a page or a write a real front end sends. */
export interface Operation {
  id: string;
  title: string;
  /** The only subgraph it touches (for the gateway ÷ direct-subgraph ratio), if it touches one. */
  subgraph?: string;
  /** The i-th request (operations rotate over units and records so caches and plans see realistic variety). */
  next(i: number): BenchRequest;
}

/**
 * The day the benchmark's demo data is as of: fixed, so every run measures the same rows whatever the day
 * (the live demo of `pnpm start` is as of today).
 */
export const BENCH_AS_OF = '2026-11-16';
/** The statistics period of the dashboards: the demo year (up to BENCH_AS_OF). */
export const PERIOD = { from: '2025-11-15', to: '2026-11-15' };
/** The assessment round of the demo: the last year completed before BENCH_AS_OF. */
export const ASSESSMENT_YEAR = '2025';

/**
 * The district dashboard: the KPI figures of every community of the district (the dashboard page's
 * KPI groups, gateway/dashboard/dashboard.js, asked for each community at once), one request.
 */
export const DISTRICT_DASHBOARD = `query DistrictDashboard($code: String!, $from: String, $to: String, $year: String!) {
  district(code: $code) {
    code name
    caseStatistics(from: $from, to: $to) { open overdue reportedInPeriod closedInPeriod medianHandlingHours }
    streets(first: 20) { edges { node { code name communities(first: 20) { edges { node {
      code name households population staff areaKm2
      caseStatistics(from: $from, to: $to) { open overdue reportedInPeriod closedInPeriod medianHandlingHours }
      buildingWorkStatistics(from: $from, to: $to) { buildingsWithLeader opinions residentsHeard checks problemsFound }
      partyMembers { total resident inService floating }
      serviceReportCounts { members accepted reported serviceHours }
      taskStatistics(from: $from, to: $to) { admitted open refused pending fundingReceived }
      assessmentStatistics(period: $year) { assessed averageTotal }
    } } } } } }
  }
}`;

/** A street office's dashboard page: its KPIs, monthly trends and the ranking of its communities. */
const STREET_DASHBOARD = `query StreetDashboard($code: String!, $from: String, $to: String) {
  street(code: $code) {
    code name district { code name }
    caseStatistics(from: $from, to: $to) { open overdue reportedInPeriod closedInPeriod medianHandlingHours }
    buildingWorkStatistics(from: $from, to: $to) { buildingsWithLeader opinions residentsHeard checks problemsFound }
    partyMembers { total resident inService floating }
    serviceReportCounts { members accepted reported serviceHours }
    taskStatistics(from: $from, to: $to) { admitted open refused pending fundingReceived }
    caseTrend(from: $from, to: $to) { month reported closed }
    caseRanking(from: $from, to: $to, metric: OPEN, first: 20) { rank value code }
  }
}`;

/** A community's detail page: profile, figures, grids, pairings and the open task list. */
const COMMUNITY_PAGE = `query CommunityPage($code: String!, $from: String, $to: String) {
  community(code: $code) {
    code name households population staff areaKm2 street { code name }
    caseStatistics(from: $from, to: $to) { open overdue reportedInPeriod closedInPeriod }
    partyMembers { total resident inService floating }
    grids(first: 50) { edges { node { code name } } }
    pairings { id startedOn active }
    taskBurden { admitted open refused pending fundingReceived }
  }
}`;

/** A grid's case queue page: the first 20 cases by deadline. */
const CASE_QUEUE = `query CaseQueue {
  caseQueue(orderBy: DEADLINE, first: 20) {
    totalCount
    edges { node { id number category title state deadline overdue version buildingCode reportedAt } }
  }
}`;

/** A partner's view of its pairings: each paired community with the partner's figures there and its latest activities. */
const PARTNER_PAIRINGS = `query PartnerPairings($from: String, $to: String) {
  myOrganisation {
    ... on SocialOrganisation {
      id name
      pairings {
        id startedOn active
        community { code name pairingStatistics(from: $from, to: $to) { activities volunteers beneficiaries } }
        activities(first: 10) { edges { node { id heldOn title volunteers beneficiaries } } }
      }
    }
  }
}`;

const REPORT_CASE = `mutation ReportCase($input: ReportCaseInput!) { reportCase(input: $input) { id state version } }`;
const DISPATCH_CASE = `mutation DispatchCase($input: CaseStepInput!) { dispatchCase(input: $input) { id state version } }`;
const CLAIM_WISH = `mutation ClaimWish($input: ClaimWishInput!) { claimWish(input: $input) { id state version } }`;
export const POST_WISH = `mutation PostWish($input: PostWishInput!) { postWish(input: $input) { id state version } }`;

const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

/** Signed bearer tokens, one per caller, cached. */
export class Tokens {
  private cache = new Map<string, Promise<string>>();
  constructor(private readonly secret: string) {}
  async of(claims: Partial<Claims> & Pick<Claims, 'tier'>): Promise<string> {
    const key = JSON.stringify(claims);
    let t = this.cache.get(key);
    if (!t) {
      // The demo person appointed to the role at the unit (the platform serves staff tokens only while an appointment backs them).
      const roles = claims.roles ?? [Role.STAFF];
      const sub = claims.unit && roles.length === 1 ? demoStaffSub(claims.unit, roles[0]) : `bench-${claims.tier}-${claims.unit ?? claims.org ?? ''}`;
      t = signToken({ sub, roles, ...claims }, this.secret, '12h').then((s) => `Bearer ${s}`);
      this.cache.set(key, t);
    }
    return t;
  }
}

/** Records the mutation mix works on, created before the run (cases to dispatch, wishes to claim). */
export interface MutationPools {
  /** Cases in RECEIVED state (version 1) with the grid whose manager may dispatch them. */
  cases: { id: string; grid: string }[];
  /** Posted wishes with a party member of their community who may claim them. */
  wishes: { id: string; community: string; member: string }[];
}

export interface OperationSet {
  districtDashboard: Operation;
  streetDashboard: Operation;
  communityPage: Operation;
  caseQueue: Operation;
  partnerPairings: Operation;
  mutations: Operation;
}

/** The units every operation rotates over: the first district's streets, communities and grids, its partners. */
export function benchUnits(data: DemoDataset) {
  const district = data.districts[0];
  const streets = data.streets.filter((s) => s.path.startsWith(`${district.code}.`));
  const communities = data.communities.filter((c) => c.path.startsWith(`${district.code}.`));
  const grids = data.grids.filter((g) => g.path.startsWith(`${district.code}.`));
  const partners = data.pairings.filter((p) => p.socialOrganisationId && p.path.startsWith(`${district.code}.`));
  const members = new Map<string, string>();
  for (const m of data.partyMembers) {
    const community = m.path.split('.')[2];
    if (community && !members.has(community) && m.path.startsWith(`${district.code}.`)) members.set(community, m.id);
  }
  return { district, streets, communities, grids, partners, members };
}

/** Builds the operations with their callers' tokens. Mutations draw from the pools, then fall back to reporting new cases. */
export async function buildOperations(data: DemoDataset, tokens: Tokens, pools: MutationPools): Promise<OperationSet> {
  const u = benchUnits(data);
  const districtToken = await tokens.of({ tier: 'DISTRICT', unit: u.district.code, roles: ['STAFF'] } as Claims);
  const streetTokens = await Promise.all(u.streets.map((s) => tokens.of({ tier: 'STREET', unit: s.code, roles: ['STAFF'] } as Claims)));
  const communityTokens = await Promise.all(u.communities.map((c) => tokens.of({ tier: 'COMMUNITY', unit: c.code, roles: ['STAFF'] } as Claims)));
  const gridTokens = await Promise.all(u.grids.map((g) => tokens.of({ tier: 'GRID', unit: g.code, roles: ['GRID_MANAGER'] } as Claims)));
  const gridTokenOf = new Map(u.grids.map((g, i) => [g.code, gridTokens[i]]));
  const communityTokenOf = new Map(u.communities.map((c, i) => [c.code, communityTokens[i]]));
  const partnerIds = [...new Set(u.partners.map((p) => p.socialOrganisationId as string))];
  const partnerTokens = await Promise.all(
    partnerIds.map((org) =>
      tokens.of({
        tier: 'PARTNER',
        org,
        communities: u.partners.filter((p) => p.socialOrganisationId === org).map((p) => p.communityCode),
        roles: [],
      } as never),
    ),
  );
  const year = ASSESSMENT_YEAR;
  const pick = <T>(items: T[], i: number) => items[i % items.length];
  let nextCase = 0;
  let nextWish = 0;
  const reportCase = (i: number): BenchRequest => {
    const g = pick(u.grids, i);
    return {
      authorization: gridTokenOf.get(g.code) as string,
      body: body(REPORT_CASE, {
        input: {
          gridCode: g.code,
          category: pick(['CITY_APPEARANCE', 'PUBLIC_SERVICE', 'SOCIAL_MANAGEMENT'], i),
          title: '楼道堆放杂物',
          description: `压测上报 ${i}`,
        },
      }),
    };
  };
  return {
    districtDashboard: {
      id: 'district-dashboard',
      title: 'District dashboard (figures of every community)',
      next: () => ({ authorization: districtToken, body: body(DISTRICT_DASHBOARD, { code: u.district.code, ...PERIOD, year }) }),
    },
    streetDashboard: {
      id: 'street-dashboard',
      title: 'Street dashboard',
      next: (i) => ({ authorization: pick(streetTokens, i), body: body(STREET_DASHBOARD, { code: pick(u.streets, i).code, ...PERIOD }) }),
    },
    communityPage: {
      id: 'community-page',
      title: 'Community detail page',
      next: (i) => ({ authorization: pick(communityTokens, i), body: body(COMMUNITY_PAGE, { code: pick(u.communities, i).code, ...PERIOD }) }),
    },
    caseQueue: {
      id: 'case-queue',
      title: 'Grid case queue page',
      subgraph: 'grid',
      next: (i) => ({ authorization: pick(gridTokens, i), body: body(CASE_QUEUE) }),
    },
    partnerPairings: {
      id: 'partner-pairings',
      title: "Partner's view of its pairings",
      next: (i) => ({ authorization: pick(partnerTokens, i), body: body(PARTNER_PAIRINGS, PERIOD) }),
    },
    mutations: {
      id: 'mutations',
      title: 'Mutation mix (report case, dispatch case, claim wish)',
      next: (i) => {
        const kind = i % 3;
        if (kind === 1 && nextCase < pools.cases.length) {
          const c = pools.cases[nextCase++];
          return { authorization: gridTokenOf.get(c.grid) as string, body: body(DISPATCH_CASE, { input: { caseId: c.id, version: 1, note: '压测派遣' } }) };
        }
        if (kind === 2 && nextWish < pools.wishes.length) {
          const w = pools.wishes[nextWish++];
          return { authorization: communityTokenOf.get(w.community) as string, body: body(CLAIM_WISH, { input: { wishId: w.id, partyMemberId: w.member } }) };
        }
        return reportCase(i);
      },
    },
  };
}

/** The tokens and bodies to create the pools: cases reported by grid managers, wishes posted by community staff. */
export async function poolRequests(data: DemoDataset, tokens: Tokens, size: number) {
  const u = benchUnits(data);
  const cases: { grid: string; request: BenchRequest }[] = [];
  const wishes: { community: string; member: string; request: BenchRequest }[] = [];
  const communities = u.communities.filter((c) => u.members.has(c.code));
  for (let i = 0; i < size; i++) {
    const g = u.grids[i % u.grids.length];
    cases.push({
      grid: g.code,
      request: {
        authorization: await tokens.of({ tier: 'GRID', unit: g.code, roles: ['GRID_MANAGER'] } as Claims),
        body: body(REPORT_CASE, { input: { gridCode: g.code, category: 'PUBLIC_SERVICE', title: '电梯故障', description: `压测待派遣 ${i}` } }),
      },
    });
    const c = communities[i % communities.length];
    wishes.push({
      community: c.code,
      member: u.members.get(c.code) as string,
      request: {
        authorization: await tokens.of({ tier: 'COMMUNITY', unit: c.code, roles: ['STAFF'] } as Claims),
        body: body(POST_WISH, {
          input: { communityCode: c.code, text: `压测心愿 ${i}`, category: 'DAILY_NECESSITIES', beneficiaryName: '王奶奶', openToPartners: false },
        }),
      },
    });
  }
  return { cases, wishes };
}
