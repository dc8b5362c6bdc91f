import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { generateDemo, generateWork } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { DEFAULT_RATE_LIMITS, readManifest } from '@cgp/gateway';
import {
  authHeader,
  freePort,
  gql,
  preparedDatabase,
  startDevIdentityProviderProcess,
  startPlatform,
  TEST_SECRET,
  tokenFor,
  type DevIdentityProviderProcess,
  type InProcessPlatform,
} from '@cgp/testing';

/*
 * The reference dashboard page (/dashboard) in a real browser: Debian's Chromium driven by playwright-core
 * against the in-process platform on a small demo district. The figures on the page are compared with
 * what the public API answers for the same period, with the same token.
 */

/** Debian's Chromium (`pnpm test` installs it through scripts/ensure-chromium.mjs); never a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = join(__dirname, '..', 'test-results');

/** The page's default period, computed here in China time: the twelve calendar months up to this one. */
function expectedPeriod(): { from: string; to: string; year: string } {
  const china = new Date(Date.now() + 8 * 3_600_000);
  const y = china.getUTCFullYear();
  const m = china.getUTCMonth();
  const day = (month: number) => new Date(Date.UTC(y, month, 1)).toISOString().slice(0, 10);
  return { from: day(m - 11), to: day(m + 1), year: String(y - 1) };
}

/* What the page must show, per unit type, written out here from the schema (not taken from the page's configuration). */
const ALL = ['District', 'Street', 'Community', 'Grid', 'Building'];
const WITH_CHILDREN = ['District', 'Street', 'Community', 'Grid'];
const TO_COMMUNITY = ['District', 'Street', 'Community'];
const UPPER = ['District', 'Street'];
const PERIOD_ARGS = '(from: $from, to: $to)';
/** A figure key, or [key, the unit types that have it when fewer than its domain's]. */
type Key = string | [string, string[]];
const only = (tiers: string[], keys: string[]): Key[] => keys.map((k) => [k, tiers]);

/** The figure cards: page id of the domain → statistics field, its arguments, the unit types that have it, its figures. */
const FIGURES: Record<string, { field: string; args?: string; tiers: string[]; keys: Key[] }> = {
  population: {
    field: 'populationStatistics',
    tiers: ALL,
    keys: ['residents', 'households', ['population', TO_COMMUNITY], 'keyPersons', 'disabled', 'aged70OrOver', 'aged90OrOver'],
  },
  cases: { field: 'caseStatistics', args: PERIOD_ARGS, tiers: ALL, keys: ['open', 'overdue', 'reportedInPeriod', 'closedInPeriod', 'medianHandlingHours'] },
  buildingWork: {
    field: 'buildingWorkStatistics',
    args: PERIOD_ARGS,
    tiers: ALL,
    keys: ['buildingsWithLeader', 'opinions', 'residentsHeard', 'checks', 'problemsFound'],
  },
  communityWork: {
    field: 'communityWorkStatistics',
    args: PERIOD_ARGS,
    tiers: WITH_CHILDREN,
    keys: [
      'mustVisitsDue',
      'mustVisitsDone',
      'mustVisitsLate',
      'livelihoodAgents',
      'openErrands',
      'errandsDoneInPeriod',
      // Kept per community: null for a grid, so not shown there.
      ...only(TO_COMMUNITY, [
        'openWishes',
        'claimedWishes',
        'wishesPostedInPeriod',
        'wishesFulfilledInPeriod',
        'volunteers',
        'volunteerActivitiesInPeriod',
        'volunteerBeneficiariesInPeriod',
        'jointMeetingsInPeriod',
        'openResolutions',
      ]),
    ],
  },
  party: {
    field: 'partyStatistics',
    args: PERIOD_ARGS,
    tiers: ALL,
    keys: [
      'members',
      'residentMembers',
      'inServiceMembers',
      'floatingMembers',
      'organisations',
      'meetingsHeld',
      'attendanceRate',
      'inServiceReported',
      'inServiceAccepted',
      'serviceHours',
    ],
  },
  pairing: {
    field: 'pairingStatistics',
    args: PERIOD_ARGS,
    tiers: TO_COMMUNITY,
    keys: ['activePairings', 'socialOrganisations', 'enterprises', 'activities', 'volunteers', 'beneficiaries'],
  },
  tasks: {
    field: 'taskStatistics',
    args: PERIOD_ARGS,
    tiers: TO_COMMUNITY,
    keys: ['open', 'pending', 'refused', 'fundingReceived', 'submittedInPeriod', 'admittedInPeriod'],
  },
  assessment: {
    field: 'assessmentStatistics',
    args: '(period: $year)',
    tiers: TO_COMMUNITY,
    keys: ['averageTotal', ...only(UPPER, ['highestTotal', 'lowestTotal', 'assessed'])],
  },
};

/** The trend charts: page id → trend field, the unit types that have it, its series; `sums`: series → the period figure its months add up to. */
const TRENDS: Record<string, { field: string; tiers: string[]; series: Key[]; sums: Record<string, string> }> = {
  cases: { field: 'caseTrend', tiers: ALL, series: ['reported', 'closed'], sums: { reported: 'cases.reportedInPeriod', closed: 'cases.closedInPeriod' } },
  communityWork: {
    field: 'communityWorkTrend',
    tiers: WITH_CHILDREN,
    series: ['errandsDone', 'visitsMade', ...only(TO_COMMUNITY, ['wishesPosted', 'volunteerActivities'])],
    sums: {
      errandsDone: 'communityWork.errandsDoneInPeriod',
      wishesPosted: 'communityWork.wishesPostedInPeriod',
      volunteerActivities: 'communityWork.volunteerActivitiesInPeriod',
    },
  },
  party: {
    field: 'partyTrend',
    tiers: ALL,
    series: ['meetingsHeld', 'inServiceReported', 'inServiceAccepted'],
    sums: { meetingsHeld: 'party.meetingsHeld', inServiceReported: 'party.inServiceReported' },
  },
  pairing: {
    field: 'pairingTrend',
    tiers: TO_COMMUNITY,
    series: ['activities', 'beneficiaries'],
    sums: { activities: 'pairing.activities', beneficiaries: 'pairing.beneficiaries' },
  },
  tasks: {
    field: 'taskTrend',
    tiers: TO_COMMUNITY,
    series: ['submitted', 'admitted', 'rejected', 'done'],
    sums: { submitted: 'tasks.submittedInPeriod', admitted: 'tasks.admittedInPeriod' },
  },
  buildingWork: {
    field: 'buildingWorkTrend',
    tiers: ALL,
    series: ['opinions', 'checks', 'problemsFound'],
    sums: { opinions: 'buildingWork.opinions', checks: 'buildingWork.checks', problemsFound: 'buildingWork.problemsFound' },
  },
};

const TYPENAME_BY_LENGTH: Record<number, string> = { 6: 'District', 9: 'Street', 12: 'Community', 15: 'Grid', 18: 'Building' };
const keysOf = (keys: Key[], typename: string) =>
  keys.filter((k) => typeof k === 'string' || k[1].includes(typename)).map((k) => (typeof k === 'string' ? k : k[0]));
const cardsOf = (typename: string) => Object.entries(FIGURES).filter(([, f]) => f.tiers.includes(typename));
const trendsOf = (typename: string) => Object.entries(TRENDS).filter(([, f]) => f.tiers.includes(typename));

/** The API's answer for the figures and trends of one unit, with the token of the page. */
async function apiFigures(url: string, token: string, code: string, period: { from: string; to: string; year: string }) {
  const typename = TYPENAME_BY_LENGTH[code.length];
  const cards = cardsOf(typename);
  const fields = cards.map(([id, f]) => `${id}: ${f.field}${f.args ?? ''} { ${keysOf(f.keys, typename).join(' ')} }`);
  const trends = trendsOf(typename).map(([id, t]) => `trend_${id}: ${t.field}(from: $from, to: $to) { month ${keysOf(t.series, typename).join(' ')} }`);
  const year = cards.some(([, f]) => f.args?.includes('$year')) ? ', $year: String!' : '';
  const res = await gql(
    url,
    `query ($code: String!, $from: String, $to: String${year}) { unit(code: $code) { ... on ${typename} {
      ${[...fields, ...trends].join('\n      ')}
    } } }`,
    { code, from: period.from, to: period.to, ...(year ? { year: period.year } : {}) },
    { authorization: `Bearer ${token}` },
  );
  expect(res.errors).toBeUndefined();
  return res.data.unit;
}

/** The API's ranking of a unit's children by one metric (`args` as the field takes them). */
async function apiRanking(url: string, token: string, code: string, field: string, args: string) {
  const typename = TYPENAME_BY_LENGTH[code.length];
  const res = await gql(
    url,
    `query ($code: String!) { unit(code: $code) { ... on ${typename} { ranking: ${field}(${args}) { rank value code } } } }`,
    { code },
    { authorization: `Bearer ${token}` },
  );
  expect(res.errors).toBeUndefined();
  return res.data.unit.ranking as { rank: number; value: number; code: string }[];
}

/** A figure of the API's answer by its page id `<domain>.<key>`. */
const apiValue = (api: Record<string, any>, id: string) => {
  const [domain, key] = id.split('.');
  return api[domain]?.[key] as number | null | undefined;
};

/** The figures shown in the domain cards (or the headline tiles): `<domain>.<key>` → the number as displayed and its format. */
async function pageFigures(page: Page, selector = '#domains [data-figure]', attribute = 'figure'): Promise<Record<string, { text: string; format: string }>> {
  return page.$$eval(
    selector,
    (nodes, attr) =>
      Object.fromEntries(
        nodes.map((n) => [(n as HTMLElement).dataset[attr]!, { text: n.querySelector('.num')!.textContent, format: (n as HTMLElement).dataset.format! }]),
      ),
    attribute,
  );
}

function shownNumber(text: string): number | null {
  if (text.trim() === '—') return null;
  return Number(text.replace(/[^\d.-]/g, ''));
}

/** A value as the page must show it: integers whole, decimals and scores to 0.1, rates as a percentage to 0.1. */
function asShown(value: number | null | undefined, format: string): number | null {
  if (value === null || value === undefined) return null;
  if (format === 'int' || format === 'yuan') return Math.round(value);
  if (format === 'percent') return Math.round(value * 1000) / 10;
  return Math.round(value * 10) / 10;
}

/**
 * Exactly the figures the API has for this unit are in the cards, each with the API's value; every headline
 * tile is one of them with the same value.
 */
async function expectFiguresMatch(page: Page, api: Record<string, any>, code: string) {
  const shown = await pageFigures(page);
  const typename = TYPENAME_BY_LENGTH[code.length];
  const expected = cardsOf(typename).flatMap(([id, f]) => keysOf(f.keys, typename).map((key) => `${id}.${key}`));
  expect(Object.keys(shown).sort()).toEqual([...expected].sort());
  for (const id of expected) {
    expect({ figure: id, value: shownNumber(shown[id].text) }).toEqual({ figure: id, value: asShown(apiValue(api, id), shown[id].format) });
  }
  expect(await page.$$eval('#headline .headline-tile', (tiles) => tiles.length)).toBeGreaterThanOrEqual(4);
  const headline = await pageFigures(page, '#headline [data-headline]', 'headline');
  for (const [id, { text, format }] of Object.entries(headline)) {
    expect(expected).toContain(id);
    expect({ headline: id, value: shownNumber(text) }).toEqual({ headline: id, value: asShown(apiValue(api, id), format) });
  }
  return expected.length;
}

/** Every trend chart the API has for this unit is drawn with the API's months and monthly series. */
async function expectTrendsMatch(page: Page, api: Record<string, any>, code: string) {
  const typename = TYPENAME_BY_LENGTH[code.length];
  const shown = await page.$$eval('#trends [data-trend]', (nodes) => nodes.map((n) => (n as HTMLElement).dataset.trend!));
  expect(shown.sort()).toEqual(
    trendsOf(typename)
      .map(([id]) => id)
      .sort(),
  );
  for (const [id, trend] of trendsOf(typename)) {
    const rows = api[`trend_${id}`] as Record<string, any>[];
    const chart = await chartOn(page, `[data-trend="${id}"]`);
    expect(chart.canvas).toBe(true);
    expect({ trend: id, months: chart.x }).toEqual({ trend: id, months: rows.map((r) => r.month) });
    const sorted = (series: unknown[][]) => series.map((s) => JSON.stringify(s)).sort();
    expect({ trend: id, series: sorted(chart.series) }).toEqual({
      trend: id,
      series: sorted(keysOf(trend.series, typename).map((key) => rows.map((r) => r[key]))),
    });
  }
}

/** What an ECharts chart on the page holds: whether it drew a canvas, its categories and its series' data. */
async function chartOn(page: Page, selector: string) {
  return page.$eval(selector, (node) => {
    const chart = (window as any).echarts.getInstanceByDom(node);
    const option = chart?.getOption();
    return {
      canvas: Boolean(node.querySelector('canvas')),
      x: option?.xAxis?.[0]?.data ?? [],
      y: option?.yAxis?.[0]?.data ?? [],
      series: (option?.series ?? []).map((s: any) => s.data.map((d: any) => (typeof d === 'object' && d !== null ? d.value : d))),
    };
  });
}

/** Waits until the ranking chart names exactly these child units (in any order). */
async function waitForRankingOf(page: Page, names: string[]) {
  await page.waitForFunction(
    (expected) =>
      JSON.stringify([...((window as any).echarts.getInstanceByDom(document.querySelector('#ranking-chart'))?.getOption()?.yAxis?.[0]?.data ?? [])].sort()) ===
      expected,
    JSON.stringify([...names].sort()),
  );
}

/** Waits until the ranking chart shows exactly these values, rank 1 first. */
async function waitForRankingValues(page: Page, values: number[]) {
  await page.waitForFunction(
    (expected) =>
      JSON.stringify(
        (window as any).echarts
          .getInstanceByDom(document.querySelector('#ranking-chart'))
          ?.getOption()
          ?.series?.[0]?.data?.map((d: any) => d.value),
      ) === expected,
    JSON.stringify([...values].reverse()),
  );
}

async function waitForUnit(page: Page, name: string) {
  await page.waitForFunction(
    (n) => document.querySelector('#unit-name')?.textContent === n && !document.querySelector('#dashboard')!.classList.contains('loading'),
    name,
  );
  await page.waitForSelector('#headline [data-headline]');
}

/**
 * The small demo district as of the latest day up to today whose cases include open ones past their deadline (at
 * this scale about one a day, so a day or two back at most): the live demo's data, with an overdue count to open.
 */
function liveDemoWithOverdueCases() {
  for (let back = 0; back < 60; back++) {
    const asOf = new Date(Date.now() + 8 * 3_600_000 - back * 86_400_000).toISOString().slice(0, 10);
    const demo = generateDemo({ scale: 0.2, asOf });
    if (generateWork(demo).cases.some((c) => !['CLOSED', 'REJECTED'].includes(c.state) && c.deadline.getTime() < Date.now())) return demo;
  }
  throw new Error('no demo day with an overdue case in the last 60 days');
}

describe('dashboard page in Chromium', () => {
  const demo = liveDemoWithOverdueCases();
  const district = demo.districts[0];
  let platform: InProcessPlatform;
  let context: BrowserContext;
  let profile: string;
  let dashboardUrl: string;
  /** The development identity provider `pnpm start` runs (compiled, its own process, as there): its issuer URL. */
  let issuer: string;
  let identityProvider: DevIdentityProviderProcess | undefined;

  /** Runs an operation of the published partner safelist by its hash (partners may send nothing else). */
  async function safelisted(name: string, variables: Record<string, unknown>, token: string): Promise<any> {
    const op = readManifest().operations.find((o) => o.name === name)!;
    const res = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: op.id } } }),
    });
    return res.json();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium is not at ${CHROMIUM}: run \`node scripts/ensure-chromium.mjs\` (as root it installs Debian's chromium)`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    // Every production guard on, as `pnpm start` runs: the partner safelist and the rate limits. Tokens as
    // `pnpm start` takes them: the development identity provider's (found through its discovery document),
    // and HS256 tokens pasted by developers.
    const idpPort = await freePort();
    issuer = `http://127.0.0.1:${idpPort}`;
    platform = await startPlatform(await preparedDatabase({ dataset: demo }), SUBGRAPHS, {
      partnerSafelist: true,
      rateLimits: DEFAULT_RATE_LIMITS,
      auth: { secret: TEST_SECRET, oidcIssuer: issuer, audience: 'urn:cgp:platform', localStaffTokens: true },
      dashboardSignIn: { issuer, clientId: 'cgp-dashboard', scope: 'openid profile' },
    });
    dashboardUrl = platform.gatewayUrl.replace(/\/graphql$/, '/dashboard');
    // Its people are those of this demo (scale 0.2); it sends the browser back to this dashboard only.
    // Its access tokens live 75 s here, so the page's renewal (a minute before expiry) is seen within a test.
    identityProvider = await startDevIdentityProviderProcess({
      port: idpPort,
      redirectUris: [`${dashboardUrl}/`],
      scale: 0.2,
      env: { DEV_IDP_ACCESS_TOKEN_SECONDS: '75' },
    });
    profile = mkdtempSync(join(tmpdir(), 'cgp-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      reducedMotion: 'reduce',
    });
  });
  afterAll(async () => {
    identityProvider?.stop();
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await platform?.stop();
  });

  /** A new tab (its own sessionStorage, so its own token) that fails the test on any script error. */
  async function newPage(): Promise<Page> {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    (page as any).problems = problems;
    return page;
  }

  /**
   * The `<p>Ranking` fields of a unit type, from the API's schema: the page's domain id for it, the metric
   * enum's values, and whether it takes an assessment period or a from/to period.
   */
  async function rankingFieldsOf(typename: string): Promise<{ field: string; domain: string; metrics: string[]; period: boolean; fromTo: boolean }[]> {
    const headers = await authHeader({ tier: 'DISTRICT', unit: district.code } as never);
    const type = await gql(
      platform.gatewayUrl,
      `query ($t: String!) { __type(name: $t) { fields { name args { name type { name ofType { name } } } } } }`,
      { t: typename },
      headers,
    );
    const fields = (type.data.__type.fields as any[]).filter((f) => f.name.endsWith('Ranking'));
    const DOMAIN: Record<string, string> = { case: 'cases', task: 'tasks' };
    return Promise.all(
      fields.map(async (f) => {
        const metric = f.args.find((a: any) => a.name === 'metric').type;
        const values = await gql(
          platform.gatewayUrl,
          `query ($t: String!) { __type(name: $t) { enumValues { name } } }`,
          { t: metric.name ?? metric.ofType.name },
          headers,
        );
        const prefix = f.name.replace(/Ranking$/, '');
        return {
          field: f.name,
          domain: DOMAIN[prefix] ?? prefix,
          metrics: values.data.__type.enumValues.map((v: any) => v.name),
          period: f.args.some((a: any) => a.name === 'period'),
          fromTo: f.args.some((a: any) => a.name === 'from'),
        };
      }),
    );
  }

  it('serves the page, its script and ECharts from the gateway with their content types', async () => {
    const base = dashboardUrl;
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('vendor/echarts.min.js');
    const echarts = await fetch(`${base}/vendor/echarts.min.js`);
    expect(echarts.status).toBe(200);
    expect(echarts.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await echarts.text()).toMatch(/echarts/);
    const redirect = await fetch(base, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(new URL(redirect.headers.get('location')!, base).pathname).toBe('/dashboard/');
  });

  it('shows a district its figures of every domain, its trends and rankings as the API answers them, in Chinese and English', async () => {
    const token = await tokenFor({ tier: 'DISTRICT', unit: district.code } as never);
    const page = await newPage();
    await page.goto(`${dashboardUrl}#token=${token}`);
    await waitForUnit(page, district.name);
    // The token left the address bar for this tab's sessionStorage.
    expect(page.url()).not.toContain(token);
    expect(await page.evaluate(() => sessionStorage.getItem('cgp.dashboard.token'))).toBe(token);

    const period = expectedPeriod();
    expect(await page.$eval('#period-range', (n) => ({ ...(n as HTMLElement).dataset }))).toEqual(period);
    const api = await apiFigures(platform.gatewayUrl, token, district.code, period);
    // The API's figures are real: every party member and every community profile of the demo district, cases reported in the period.
    expect(api.party.members).toBe(demo.partyMembers.length);
    expect(api.population.population).toBe(demo.communities.reduce((sum, c) => sum + c.population, 0));
    expect(api.cases.reportedInPeriod).toBeGreaterThan(0);
    expect(api.communityWork.errandsDoneInPeriod).toBeGreaterThan(0);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(api.pairing.activePairings).toBe(demo.pairings.filter((p) => p.startedOn <= today && (!p.endedOn || p.endedOn > today)).length);
    await expectFiguresMatch(page, api, district.code);

    // Trends: one point per month of the period, the API's monthly counts, which add up to the period's figures.
    await expectTrendsMatch(page, api, district.code);
    expect(api.trend_cases).toHaveLength(12);
    for (const [id, trend] of Object.entries(TRENDS)) {
      for (const [key, figure] of Object.entries(trend.sums)) {
        const months = (api[`trend_${id}`] as any[]).reduce((sum, row) => sum + row[key], 0);
        expect({ trend: `${id}.${key}`, sum: months }).toEqual({ trend: `${id}.${key}`, sum: apiValue(api, figure) });
      }
    }

    // The ranking select offers every metric of every domain's ranking on a district: each ranking field's whole metric enum.
    const offered = await page.$$eval('#ranking-metric option', (options) => options.map((o) => (o as HTMLOptionElement).value));
    const rankingFields = await rankingFieldsOf('District');
    expect(rankingFields.map((f) => f.field).sort()).toEqual([
      'assessmentRanking',
      'buildingWorkRanking',
      'caseRanking',
      'communityWorkRanking',
      'pairingRanking',
      'partyRanking',
      'populationRanking',
      'taskRanking',
    ]);
    expect(offered.sort()).toEqual(rankingFields.flatMap((f) => f.metrics.map((m) => `${f.domain}.${m}`)).sort());
    expect(await page.$$eval('#ranking-metric optgroup', (groups) => groups.length)).toBe(rankingFields.length);

    // The streets by overdue cases (the default, rank 1 drawn at the top) …
    const names = new Map(demo.streets.map((s) => [s.code, s.name]));
    const overdue = await apiRanking(
      platform.gatewayUrl,
      token,
      district.code,
      'caseRanking',
      `metric: OVERDUE, first: 20, from: "${period.from}", to: "${period.to}"`,
    );
    await waitForRankingValues(
      page,
      overdue.map((r) => r.value),
    );
    let ranking = await chartOn(page, '#ranking-chart');
    expect(ranking.canvas).toBe(true);
    expect(ranking.y).toEqual(overdue.map((r) => names.get(r.code)).reverse());
    // … then by registered residents (population subgraph): they add up to the district's residents …
    await page.selectOption('#ranking-metric', 'population.RESIDENTS');
    const residents = await apiRanking(platform.gatewayUrl, token, district.code, 'populationRanking', 'metric: RESIDENTS, first: 20');
    await waitForRankingValues(
      page,
      residents.map((r) => r.value),
    );
    ranking = await chartOn(page, '#ranking-chart');
    expect(ranking.y).toEqual(residents.map((r) => names.get(r.code)).reverse());
    expect(residents.reduce((sum, r) => sum + r.value, 0)).toBe(api.population.residents);
    // … and by the attendance rate of party meetings (party subgraph), shown as percentages.
    await page.selectOption('#ranking-metric', 'party.ATTENDANCE_RATE');
    const attendance = await apiRanking(
      platform.gatewayUrl,
      token,
      district.code,
      'partyRanking',
      `metric: ATTENDANCE_RATE, first: 20, from: "${period.from}", to: "${period.to}"`,
    );
    expect(attendance.every((r) => r.value > 0 && r.value <= 1)).toBe(true);
    await waitForRankingValues(
      page,
      attendance.map((r) => r.value),
    );
    expect((await chartOn(page, '#ranking-chart')).y).toEqual(attendance.map((r) => names.get(r.code)).reverse());
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-district-ranking-attendance.png'), fullPage: true });

    // The child table lists the district's streets, with their figures as the API answers them.
    const rows = await page.$$eval('.child-row', (trs) =>
      trs.map((tr) => ({
        code: (tr as HTMLElement).dataset.code!,
        name: tr.querySelector('.child-link')!.textContent,
        residents: tr.querySelector('[data-figure="population.residents"]')!.textContent,
        overdue: tr.querySelector('[data-figure="cases.overdue"]')!.textContent,
      })),
    );
    expect(rows.map((r) => ({ code: r.code, name: r.name })).sort((a, b) => a.code.localeCompare(b.code))).toEqual(
      demo.streets.map((s) => ({ code: s.code, name: s.name })).sort((a, b) => a.code.localeCompare(b.code)),
    );
    for (const row of rows) {
      expect(shownNumber(row.residents)).toBe(residents.find((r) => r.code === row.code)!.value);
      expect(shownNumber(row.overdue)).toBe(overdue.find((r) => r.code === row.code)!.value);
    }
    await page.selectOption('#ranking-metric', 'cases.OVERDUE');
    await waitForRankingValues(
      page,
      overdue.map((r) => r.value),
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-district.png'), fullPage: true });

    // English: labels change, figures stay.
    await page.click('#lang');
    await expect(page.textContent('[data-domain="cases"] h3')).resolves.toBe('Grid cases');
    await expect(page.textContent('[data-domain="communityWork"] h3')).resolves.toBe('Community work');
    await expect(page.textContent('#lang')).resolves.toBe('中文');
    await expectFiguresMatch(page, api, district.code);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-district-en.png'), fullPage: true });
    await page.click('#lang');
    await expect(page.textContent('[data-domain="cases"] h3')).resolves.toBe('网格案件');

    // Another period: the year of the demo's assessments (the last year completed before the live demo's day);
    // every figure and trend follows it.
    const y = Number(demo.asOf.slice(0, 4)) - 1;
    const year = { from: `${y}-01-01`, to: `${y + 1}-01-01`, year: String(y) };
    await page.selectOption('#period', String(y));
    await page.waitForFunction(
      (yy) =>
        document.querySelector('[data-domain="assessment"] h3')?.textContent?.includes(yy) &&
        !document.querySelector('#dashboard')!.classList.contains('loading'),
      String(y),
    );
    expect(await page.$eval('#period-range', (n) => ({ ...(n as HTMLElement).dataset }))).toEqual(year);
    const apiYear = await apiFigures(platform.gatewayUrl, token, district.code, year);
    expect(apiYear.assessment.assessed).toBe(demo.communities.length);
    await expectFiguresMatch(page, apiYear, district.code);
    await expectTrendsMatch(page, apiYear, district.code);
    expect((await chartOn(page, '[data-trend="cases"]')).x).toEqual(Array.from({ length: 12 }, (_, i) => `${y}-${String(i + 1).padStart(2, '0')}`));
    // The assessment ranking of that year: the streets by their communities' average total.
    await page.selectOption('#ranking-metric', 'assessment.TOTAL');
    const scores = await apiRanking(platform.gatewayUrl, token, district.code, 'assessmentRanking', `metric: TOTAL, first: 20, period: "${y}"`);
    expect(scores).toHaveLength(demo.streets.length);
    await waitForRankingValues(
      page,
      scores.map((r) => r.value),
    );
    expect((page as any).problems).toEqual([]);
    await page.close();
  });

  it('drills down district → street → community → grid by clicking a child, and back up by the breadcrumb', async () => {
    const token = await tokenFor({ tier: 'DISTRICT', unit: district.code } as never);
    const page = await newPage();
    await page.goto(`${dashboardUrl}/#token=${token}`);
    await waitForUnit(page, district.name);
    const period = expectedPeriod();

    const street = demo.streets[demo.streets.length - 1];
    const community = demo.communities.find((c) => c.parentId === street.id)!;
    const grid = demo.grids.find((g) => g.parentId === community.id)!;

    await page.click(`.child-row[data-code="${street.code}"] .child-link`);
    await waitForUnit(page, street.name);
    expect(await page.$$eval('#breadcrumb a', (as) => as.map((a) => a.textContent))).toEqual([district.name]);
    const streetApi = await apiFigures(platform.gatewayUrl, token, street.code, period);
    await expectFiguresMatch(page, streetApi, street.code);
    await expectTrendsMatch(page, streetApi, street.code);
    const communities = await page.$$eval('.child-row', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.code));
    expect(communities.sort()).toEqual(
      demo.communities
        .filter((c) => c.parentId === street.id)
        .map((c) => c.code)
        .sort(),
    );

    await page.click(`.child-row[data-code="${community.code}"] .child-link`);
    await waitForUnit(page, community.name);
    expect(await page.$$eval('#breadcrumb a', (as) => as.map((a) => a.textContent))).toEqual([district.name, street.name]);
    // The community's population as its profile has it, straight from the demo dataset.
    const shown = await pageFigures(page);
    expect(shownNumber(shown['population.population'].text)).toBe(community.population);
    const communityApi = await apiFigures(platform.gatewayUrl, token, community.code, period);
    await expectFiguresMatch(page, communityApi, community.code);
    await expectTrendsMatch(page, communityApi, community.code);
    // The ranking names the community's grids (the grid subgraph's own units).
    const gridNames = demo.grids.filter((g) => g.parentId === community.id).map((g) => g.name);
    await waitForRankingOf(page, gridNames);
    expect(await page.isVisible('#alert')).toBe(false);
    // A community's select offers only rankings a community has, and only metrics its grids can be ranked by:
    // each one the API answers for this community without an error.
    const fields = await rankingFieldsOf('Community');
    const offered = await page.$$eval('#ranking-metric option', (options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(new Set(offered.map((o) => o.split('.')[0]))).toEqual(new Set(fields.map((f) => f.domain)));
    for (const option of offered) {
      const [domain, metric] = option.split('.');
      const field = fields.find((f) => f.domain === domain)!;
      expect(field.metrics).toContain(metric);
      const res = await gql(
        platform.gatewayUrl,
        `query ($code: String!) { community(code: $code) { ranking: ${field.field}(metric: ${metric}${field.period ? ', period: "2024"' : ''}${field.fromTo ? `, from: "${period.from}", to: "${period.to}"` : ''}) { code } } }`,
        { code: community.code },
        { authorization: `Bearer ${token}` },
      );
      expect({ option, errors: res.errors }).toEqual({ option, errors: undefined });
      expect(res.data.community.ranking.map((r: any) => r.code).sort()).toEqual(
        demo.grids
          .filter((g) => g.parentId === community.id)
          .map((g) => g.code)
          .sort(),
      );
    }
    // Grids ranked by must-visits done (community subgraph).
    await page.selectOption('#ranking-metric', 'communityWork.MUST_VISITS_DONE');
    const visits = await apiRanking(
      platform.gatewayUrl,
      token,
      community.code,
      'communityWorkRanking',
      `metric: MUST_VISITS_DONE, first: 20, from: "${period.from}", to: "${period.to}"`,
    );
    await waitForRankingValues(
      page,
      visits.map((r) => r.value),
    );
    expect(visits.reduce((sum, r) => sum + r.value, 0)).toBe(communityApi.communityWork.mustVisitsDone);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-community.png'), fullPage: true });

    await page.click(`.child-row[data-code="${grid.code}"] .child-link`);
    await waitForUnit(page, grid.name);
    expect(await page.$$eval('#breadcrumb a', (as) => as.map((a) => a.textContent))).toEqual([district.name, street.name, community.name]);
    const gridApi = await apiFigures(platform.gatewayUrl, token, grid.code, period);
    await expectFiguresMatch(page, gridApi, grid.code);
    await expectTrendsMatch(page, gridApi, grid.code);
    const buildings = await page.$$eval('.child-row', (trs) =>
      trs.map((tr) => ({ code: (tr as HTMLElement).dataset.code, name: tr.querySelector('.child-link')!.textContent })),
    );
    expect(buildings.sort((a, b) => a.code!.localeCompare(b.code!))).toEqual(
      demo.buildings
        .filter((b) => b.parentId === grid.id)
        .map((b) => ({ code: b.code, name: b.name }))
        .sort((a, b) => a.code.localeCompare(b.code)),
    );
    await waitForRankingOf(
      page,
      buildings.map((b) => b.name),
    );
    expect(await page.isVisible('#alert')).toBe(false);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-grid.png'), fullPage: true });

    // Back up: the breadcrumb's district link, and the browser's back button.
    await page.click('#breadcrumb a:first-child');
    await waitForUnit(page, district.name);
    await page.goBack();
    await waitForUnit(page, grid.name);
    expect((page as any).problems).toEqual([]);
    await page.close();
  });

  it('opens the district’s open-case count as a list, a case with its history and place, and exports the list as CSV and Excel, in Chinese and English', async () => {
    const token = await tokenFor({ tier: 'DISTRICT', unit: district.code } as never);
    const page = await newPage();
    await page.goto(`${dashboardUrl}/#token=${token}`);
    await waitForUnit(page, district.name);
    const headers = { authorization: `Bearer ${token}` };
    const OPEN = { states: ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RETURNED'] };
    const api = await gql(
      platform.gatewayUrl,
      `query ($u: String!, $f: CaseFilter) { cases(unitCode: $u, filter: $f, first: 100) { totalCount edges { node { id number gridCode buildingCode history { action } } } } }`,
      { u: district.code, f: OPEN },
      headers,
    );
    expect(api.errors).toBeUndefined();
    const open = api.data.cases as {
      totalCount: number;
      edges: { node: { id: string; number: string; gridCode: string; buildingCode: string | null; history: unknown[] } }[];
    };
    // The live demo has open cases on any day it is loaded.
    expect(open.totalCount).toBeGreaterThan(0);
    const tile = '#headline [data-list="openCases"]';
    expect(shownNumber(await page.$eval(`${tile} .num`, (n) => n.textContent))).toBe(open.totalCount);

    // The number opens the cases behind it, page by page (20 at a time), as the API lists them.
    await page.click(tile);
    await page.waitForSelector('#records-section:not([hidden]) .records-table tbody tr');
    await page.waitForFunction(() => !document.querySelector('#records-section')!.classList.contains('loading'));
    for (;;) {
      const more = await page.$('.records-more');
      if (!more) break;
      const before = await page.$$eval('.records-table tbody tr', (trs) => trs.length);
      await more.click();
      await page.waitForFunction((n) => document.querySelectorAll('.records-table tbody tr').length > n, before);
    }
    const numbers = await page.$$eval('.records-table tbody td[data-column="number"]', (tds) => tds.map((td) => td.textContent));
    expect(numbers.sort()).toEqual(open.edges.map((e) => e.node.number).sort());

    // A case opens with its history and its place, which opens that unit.
    const first = open.edges[0].node;
    await page.click(`.records-table tr[data-id="${first.id}"] .record-open`);
    await page.waitForSelector(`[data-record="${first.id}"]`);
    expect(await page.$eval('[data-record] h3', (h) => h.textContent)).toContain(first.number);
    expect(await page.$$eval('.record-history li', (lis) => lis.length)).toBe(first.history.length);
    // Its place by name, from the street down, each opening that unit.
    const placeCodes = [first.gridCode.slice(0, 9), first.gridCode.slice(0, 12), first.gridCode, first.buildingCode].filter(Boolean) as string[];
    await page.waitForFunction((n) => document.querySelectorAll('.record-place').length === n, placeCodes.length);
    expect(await page.$$eval('.record-place', (as) => as.map((a) => [(a as HTMLElement).dataset.place, a.textContent]))).toEqual(
      placeCodes.map((code) => [code, [...demo.streets, ...demo.communities, ...demo.grids, ...demo.buildings].find((u) => u.code === code)!.name]),
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-case.png'), fullPage: true });
    await page.click('.record-back');
    await page.waitForSelector('.records-table');
    expect(await page.$eval('#records-csv', (b) => getComputedStyle(b).color)).not.toBe('rgb(255, 255, 255)'); // readable on the white card

    // Exports: what the list shows, all of it, with the language's column names.
    const exported = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
    };
    const csv = await exported('#records-csv');
    expect(csv.name).toMatch(new RegExp(`^openCases-${district.code}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const csvRows = parseCsv<string[]>(csv.bytes.toString('utf8'), { bom: true });
    expect(csvRows[0]).toEqual(['案件编号', '事项', '类别', '状态', '网格', '楼栋', '承办人', '上报时间', '办结时限', '逾期']);
    expect(
      csvRows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(open.edges.map((e) => e.node.number).sort());

    await page.click('#lang');
    await page.waitForFunction(() => document.querySelector('#records-xlsx')!.textContent === 'Export Excel');
    const xlsx = await exported('#records-xlsx');
    expect(xlsx.name).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as never);
    const sheet = workbook.worksheets[0];
    const values = (row: number) =>
      (sheet.getRow(row).values as unknown[])
        .slice(1)
        .map((v) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number)));
    expect(values(1)).toEqual(['Number', 'Title', 'Category', 'State', 'Grid', 'Building', 'Handler', 'Reported', 'Deadline', 'Overdue']);
    expect(sheet.rowCount).toBe(open.totalCount + 1);
    const xlsxNumbers = Array.from({ length: open.totalCount }, (_, i) => values(i + 2)[0]);
    expect(xlsxNumbers.sort()).toEqual(open.edges.map((e) => e.node.number).sort());
    for (let i = 2; i <= sheet.rowCount; i++) expect(['yes', 'no']).toContain(values(i)[9]);

    // The ranking on screen downloads too: the children by the chosen metric, as the API ranks them.
    const rankingId = await page.$eval('#ranking-metric', (s) => (s as HTMLSelectElement).value);
    await waitForRankingOf(
      page,
      demo.streets.map((st) => st.name),
    );
    const rankingXlsx = await exported('#ranking-xlsx');
    expect(rankingXlsx.name).toMatch(new RegExp(`^ranking-${rankingId.replace('.', '\\.')}-${district.code}-.*\\.xlsx$`));
    const rankingBook = new ExcelJS.Workbook();
    await rankingBook.xlsx.load(rankingXlsx.bytes as never);
    const rankingSheet = rankingBook.worksheets[0];
    const rankingRows = Array.from({ length: rankingSheet.rowCount - 1 }, (_, i) => (rankingSheet.getRow(i + 2).values as unknown[]).slice(1).map(String));
    expect((rankingSheet.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['Rank', 'Code', 'Unit']);
    expect(rankingRows.map((r) => r[1]).sort()).toEqual(demo.streets.map((st) => st.code).sort());
    await page.click('#lang'); // back to Chinese for the other tests

    // The overdue count opens exactly the overdue cases (the live demo has some on any day).
    const overdue = await gql(
      platform.gatewayUrl,
      `query ($u: String!) { cases(unitCode: $u, filter: { overdue: true }, first: 100) { totalCount edges { node { number overdue } } } }`,
      { u: district.code },
      headers,
    );
    expect(overdue.data.cases.totalCount).toBeGreaterThan(0);
    const overdueTile = '#headline [data-list="overdueCases"]';
    expect(shownNumber(await page.$eval(overdueTile, (n) => n.querySelector('.num')!.textContent))).toBe(overdue.data.cases.totalCount);
    await page.click(overdueTile);
    await page.waitForFunction(
      () =>
        document.querySelector('#records-section')!.getAttribute('data-list') === 'overdueCases' &&
        !document.querySelector('#records-section')!.classList.contains('loading'),
    );
    expect((await page.$$eval('.records-table td[data-column="number"]', (tds) => tds.map((td) => td.textContent))).sort()).toEqual(
      overdue.data.cases.edges.map((e: any) => e.node.number).sort(),
    );
    expect(await page.$$eval('.records-table td[data-column="overdue"]', (tds) => [...new Set(tds.map((td) => td.textContent))])).toEqual(['是']);

    // For a calendar year the must-visit counts open too: the year's must-visits with that status (visitsDue).
    const thisYear = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4);
    await page.selectOption('#period', thisYear);
    await page.waitForFunction(
      (yy) => document.querySelector('#period-range')?.getAttribute('data-year') === yy && !document.querySelector('#dashboard')!.classList.contains('loading'),
      thisYear,
    );
    const visits = await gql(
      platform.gatewayUrl,
      `query ($u: String!, $y: Int!) { visitsDue(unitCode: $u, year: $y) { counts { due done late } } }`,
      { u: district.code, y: Number(thisYear) },
      headers,
    );
    const counts = visits.data.visitsDue.counts as { due: number; done: number; late: number };
    const [status, total] = Object.entries(counts).find(([, n]) => n > 0)!;
    const key = `mustVisits${status[0].toUpperCase()}${status.slice(1)}`;
    await page.click(`#domains [data-list="${key}"]`);
    await page.waitForFunction(
      (k) =>
        document.querySelector('#records-section')?.getAttribute('data-list') === k &&
        !document.querySelector('#records-section')!.classList.contains('loading') &&
        document.querySelectorAll('.records-table tbody tr').length > 0,
      key,
    );
    expect(await page.$$eval('.records-table tbody tr', (trs) => trs.length)).toBe(Math.min(20, total));
    expect(await page.$eval('#records-count', (n) => n.textContent)).toContain(String(total));
    expect(await page.$$eval('.records-table td[data-column="status"]', (tds) => [...new Set(tds.map((td) => td.textContent))])).toEqual([
      status.toUpperCase(),
    ]);
    await page.selectOption('#period', 'last12');
    await page.waitForFunction(() => !document.querySelector('#dashboard')!.classList.contains('loading'));
    // Over the rolling twelve months the must-visit figures count a different set than any year's list: they do not open.
    expect(await page.$$('#domains [data-list^="mustVisits"]')).toEqual([]);

    // A case's place opens its unit: from the district's number down to the grid where the case is.
    await page.click(tile);
    await page.waitForSelector(`.records-table tr[data-id="${first.id}"] .record-open`);
    await page.click(`.records-table tr[data-id="${first.id}"] .record-open`);
    await page.waitForFunction((n) => document.querySelectorAll('.record-place').length === n, placeCodes.length);
    await page.click(`.record-place[data-place="${first.gridCode}"]`);
    await waitForUnit(page, demo.grids.find((g) => g.code === first.gridCode)!.name);
    expect(await page.$eval('#records-section', (n) => (n as HTMLElement).hidden)).toBe(true);
    expect((page as any).problems).toEqual([]);
    await page.close();
  });

  it('refuses a bad export request with a 4xx and a GraphQL-style code, and exports only within the caller’s scope', async () => {
    const exportUrl = platform.gatewayUrl.replace(/\/graphql$/, '/export');
    const districtToken = await tokenFor({ tier: 'DISTRICT', unit: district.code } as never);
    const [street, sibling] = demo.streets;
    const streetToken = await tokenFor({ tier: 'STREET', unit: street.code } as never);
    const post = async (body: unknown, token?: string) => {
      const res = await fetch(exportUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const json = res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : null;
      return { status: res.status, code: json?.errors?.[0]?.extensions?.code };
    };
    const good = { list: 'openCases', variables: { unitCode: district.code }, format: 'csv' };
    expect(await post(good)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await post(good, 'not-a-token')).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await post({ ...good, format: 'pdf' }, districtToken)).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
    expect(await post({ ...good, list: 'everything' }, districtToken)).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
    expect(await post({ ...good, variables: { unitCode: 'x' } }, districtToken)).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
    expect(await post('{not json', districtToken)).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
    expect(await post({ ...good, variables: { unitCode: sibling.code } }, streetToken)).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect((await post({ ...good, variables: { unitCode: street.code } }, streetToken)).status).toBe(200);
    expect((await fetch(exportUrl)).status).toBe(405);
  });

  it('shows a street office its street, and FORBIDDEN with no figures for a sibling street', async () => {
    const [street, sibling] = demo.streets;
    const token = await tokenFor({ tier: 'STREET', unit: street.code } as never);
    const page = await newPage();
    await page.goto(`${dashboardUrl}/#token=${token}`);
    await waitForUnit(page, street.name);
    // The district is only a name in the breadcrumb, not a link: the street may not open it.
    expect(await page.$$eval('#breadcrumb a', (as) => as.length)).toBe(0);
    expect(await page.textContent('#breadcrumb .ancestor')).toBe(district.name);
    await expectFiguresMatch(page, await apiFigures(platform.gatewayUrl, token, street.code, expectedPeriod()), street.code);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-street.png'), fullPage: true });

    // The API refuses the sibling to this token …
    const refused = await gql(
      platform.gatewayUrl,
      `query ($code: String!) { unit(code: $code) { ... on Street { name } } }`,
      { code: sibling.code },
      { authorization: `Bearer ${token}` },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // … and the page says so, showing nothing of it.
    await page.goto(`${dashboardUrl}/#unit=${sibling.code}`);
    await page.waitForSelector('#alert[data-code="FORBIDDEN"]:not([hidden])');
    expect(await page.textContent('#alert')).toContain('无权访问');
    expect(await page.$$('[data-figure]')).toHaveLength(0);
    expect(await page.isVisible('#ranking-section')).toBe(false);
    expect(await page.isVisible('#children-section')).toBe(false);
    expect(await page.isVisible('#trends-section')).toBe(false);
    expect(await page.textContent('body')).not.toContain(sibling.name);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-forbidden.png'), fullPage: true });

    // "Back to my unit" returns to the street.
    await page.click('#breadcrumb a.back');
    await waitForUnit(page, street.name);
    expect((page as any).problems).toEqual([]);
    await page.close();
  });

  it('shows community staff their community, with the names of its street and district and no warning', async () => {
    const community = demo.communities[demo.communities.length - 1];
    const street = demo.streets.find((s) => s.id === community.parentId)!;
    const token = await tokenFor({ tier: 'COMMUNITY', unit: community.code } as never);
    const page = await newPage();
    await page.goto(`${dashboardUrl}/#token=${token}`);
    await waitForUnit(page, community.name);
    // Its ancestors are names only (not links), and asking for them costs no partial error.
    expect(await page.$$eval('#breadcrumb .ancestor', (spans) => spans.map((s) => s.textContent))).toEqual([district.name, street.name]);
    expect(await page.$$eval('#breadcrumb a', (as) => as.length)).toBe(0);
    expect(await page.isVisible('#alert')).toBe(false);
    await expectFiguresMatch(page, await apiFigures(platform.gatewayUrl, token, community.code, expectedPeriod()), community.code);
    expect((page as any).problems).toEqual([]);
    await page.close();
  });

  it('shows a partner its organisation and, for each paired community, its own pairing figures and trend, and nothing else', async () => {
    // A social organisation sharing its community with other partners: its own figures there differ from the community's.
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const running = (p: (typeof demo.pairings)[number]) => p.startedOn <= today && (!p.endedOn || p.endedOn > today);
    const org = demo.socialOrganisations.find((o) => {
      const own = demo.pairings.find((p) => p.socialOrganisationId === o.id && running(p));
      return own && demo.pairings.filter((p) => p.communityCode === own.communityCode && running(p)).length > 1;
    })!;
    const paired = [...new Set(demo.pairings.filter((p) => p.socialOrganisationId === org.id).map((p) => p.communityCode))].sort();
    const claims = { tier: 'PARTNER', org: org.id, communities: paired, roles: [] };
    const token = await tokenFor(claims as never);
    const period = expectedPeriod();

    const page = await newPage();
    const operations: string[] = [];
    const refused: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/graphql') && request.method() === 'POST') {
        // Sent as text, or by its safelist hash with its name.
        const sent = JSON.parse(request.postData()!);
        operations.push(sent.query ? (/^\s*(query|mutation)\s+(\w+)/.exec(sent.query)?.[2] ?? 'anonymous') : (sent.operationName ?? 'anonymous'));
      }
    });
    page.on('response', async (response) => {
      if (!response.url().endsWith('/graphql') || response.request().method() !== 'POST') return;
      const body = await response.json().catch(() => ({}));
      for (const e of body.errors ?? []) refused.push(`${e.extensions?.code} ${e.message}`);
    });
    await page.goto(`${dashboardUrl}/#token=${token}`);
    await waitForUnit(page, org.name);
    expect(await page.textContent('#unit-tier')).toBe('社会组织');

    // The API's answer to the partner, community by community (its own pairings and activities there).
    const figures = 'activePairings activities volunteers beneficiaries';
    // Asked as any partner client must: the published safelist's operation, by hash.
    const answers = await Promise.all(paired.map((code) => safelisted('PartnerCommunityStatistics', { code, from: period.from, to: period.to }, token)));
    for (const api of answers) expect(api.errors).toBeUndefined();
    const communities = answers.map((api) => api.data.community);

    // One card per paired community, with the partner's own figures and monthly trend.
    expect(await page.$$eval('.partner-card', (cards) => cards.map((c) => (c as HTMLElement).dataset.community).sort())).toEqual(paired);
    for (const c of communities) {
      const card = `.partner-card[data-community="${c.code}"]`;
      expect(await page.textContent(`${card} h3`)).toContain(c.name);
      const shown = await pageFigures(page, `${card} [data-figure]`);
      expect(Object.fromEntries(Object.entries(shown).map(([id, f]) => [id, shownNumber(f.text)]))).toEqual(
        Object.fromEntries(figures.split(' ').map((key) => [`pairing.${key}`, c.pairingStatistics[key]])),
      );
      const chart = await chartOn(page, `${card} [data-trend]`);
      expect(chart.canvas).toBe(true);
      expect(chart.x).toEqual(c.pairingTrend.map((m: any) => m.month));
      const sorted = (series: unknown[][]) => series.map((x) => JSON.stringify(x)).sort();
      expect(sorted(chart.series)).toEqual(sorted(['activities', 'volunteers', 'beneficiaries'].map((key) => c.pairingTrend.map((m: any) => m[key]))));
      expect(c.pairingTrend.reduce((sum: number, m: any) => sum + m.activities, 0)).toBe(c.pairingStatistics.activities);
    }
    // The headline: its paired communities, and its figures summed over them.
    const headline = await pageFigures(page, '#headline [data-headline]', 'headline');
    const total = (key: string) => communities.reduce((sum, c) => sum + c.pairingStatistics[key], 0);
    expect(Object.fromEntries(Object.entries(headline).map(([id, f]) => [id, shownNumber(f.text)]))).toEqual({
      'partner.communities': paired.length,
      'partner.activities': total('activities'),
      'partner.volunteers': total('volunteers'),
      'partner.beneficiaries': total('beneficiaries'),
    });
    // Its own share only: district staff see more pairings in the shared community.
    const staff = await apiFigures(platform.gatewayUrl, await tokenFor({ tier: 'DISTRICT', unit: district.code } as never), paired[0], period);
    const own = communities[0].pairingStatistics;
    expect(staff.pairing.activePairings).toBeGreaterThan(own.activePairings);

    // Nothing else: no unit figures, trends, rankings or child units; no other community's or partner's name;
    // the page asked only who it is and its organisation, and the API refused it nothing.
    expect(await page.$$('#domains [data-figure], #trends [data-trend], .child-row')).toHaveLength(0);
    for (const hidden of ['#domains-section', '#trends-section', '#ranking-section', '#children-section', '#breadcrumb a'])
      expect(await page.isVisible(hidden)).toBe(false);
    const text = (await page.textContent('body'))!;
    for (const c of demo.communities.filter((c) => !paired.includes(c.code))) expect(text).not.toContain(c.name);
    for (const o of [...demo.socialOrganisations, ...demo.enterprises].filter((o) => o.id !== org.id)) expect(text).not.toContain(o.name);
    expect(operations).toEqual(['Me', 'Partner']);
    expect(refused).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-partner.png'), fullPage: true });

    // Another period: its figures follow it.
    await page.selectOption('#period', String(Number(today.slice(0, 4)) - 1));
    await page.waitForFunction(() => !document.querySelector('#dashboard')!.classList.contains('loading') && document.querySelector('.partner-card'));
    const year = Number(today.slice(0, 4)) - 1;
    const lastYear = await safelisted('PartnerCommunityStatistics', { code: paired[0], from: `${year}-01-01`, to: `${year + 1}-01-01` }, token);
    await page.waitForFunction(
      ([code, value]) =>
        document.querySelector(`.partner-card[data-community="${code}"] [data-figure="pairing.activities"] .num`)?.textContent?.replace(/\D/g, '') ===
        String(value),
      [paired[0], lastYear.data.community.pairingStatistics.activities] as const,
    );
    expect(operations).toEqual(['Me', 'Partner', 'Partner']);
    expect((page as any).problems).toEqual([]);
    await page.close();
  });

  it('signs in through the development identity provider: a district person picked there lands on the district, signed in, in Chinese and English; sign-out ends the session', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const page = await newPage();
      await page.goto(`${dashboardUrl}/`);
      await page.waitForSelector('#oidc-signin:not([hidden])');
      if (lang === 'en') await page.click('#lang');
      expect(await page.textContent('#oidc-signin')).toBe(lang === 'zh' ? '统一身份认证登录' : 'Sign in');
      expect(await page.textContent('#token-paste summary')).toBe(lang === 'zh' ? '开发者选项：粘贴访问令牌' : 'Developer option: paste an access token');
      // Pasting a token is the developers' option, folded away.
      expect(await page.isVisible('#token-input')).toBe(false);
      await page.screenshot({ path: join(SCREENSHOTS, `dashboard-signin-${lang}.png`), fullPage: true });

      // The provider's page: the demo people of every tier, and plainly no passwords.
      await Promise.all([page.waitForURL(`${issuer}/interaction/**`), page.click('#oidc-signin')]);
      const tiers = await page.$$eval('button[data-tier]', (buttons) => [...new Set(buttons.map((b) => (b as HTMLElement).dataset.tier))]);
      expect(tiers.sort()).toEqual(['BUILDING', 'COMMUNITY', 'DISTRICT', 'GRID', 'HOTLINE', 'PARTNER', 'RESIDENT', 'STREET']);
      expect(await page.textContent('.warning')).toMatch(/仅供开发使用：无需密码[\s\S]*Development only: no passwords/);
      expect(await page.$$('input[type="password"]')).toHaveLength(0);
      if (lang === 'zh') await page.screenshot({ path: join(SCREENSHOTS, 'dev-identity-provider.png'), fullPage: true });
      await Promise.all([page.waitForURL(`${dashboardUrl}/`), page.click('button[data-person="demo-district-staff"]')]);

      // Back on the dashboard, signed in with the provider's access token: the district's own figures.
      await waitForUnit(page, district.name);
      expect(page.url()).toBe(`${dashboardUrl}/`);
      const token = (await page.evaluate(() => sessionStorage.getItem('cgp.dashboard.token')))!;
      const [header, payload] = token
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
      expect({ alg: header.alg, iss: payload.iss, aud: payload.aud, tier: payload.tier, unit: payload.unit, roles: payload.roles }).toEqual({
        alg: 'RS256',
        iss: issuer,
        aud: 'urn:cgp:platform',
        tier: 'DISTRICT',
        unit: district.code,
        roles: ['STAFF', 'AUDITOR'],
      });
      expect(await page.textContent('#caller')).toContain(lang === 'zh' ? '当前身份：区 ' : 'Signed in as District ');
      expect(await page.textContent('#signout')).toBe(lang === 'zh' ? '退出' : 'Sign out');
      await expectFiguresMatch(page, await apiFigures(platform.gatewayUrl, token, district.code, expectedPeriod()), district.code);
      await page.screenshot({ path: join(SCREENSHOTS, `dashboard-signed-in-${lang}.png`), fullPage: true });

      // Sign-out ends the provider's session too: signing in again asks who you are.
      const ended = page.waitForResponse((response) => response.url().startsWith(`${issuer}/session/end/confirm`));
      await page.click('#signout');
      await ended;
      await page.waitForURL((url) => url.href.startsWith(`${dashboardUrl}/`));
      await page.waitForFunction(() => location.search === '' && !document.querySelector('#oidc-signin')!.hasAttribute('hidden'));
      expect(await page.evaluate(() => sessionStorage.getItem('cgp.dashboard.token'))).toBeNull();
      await Promise.all([page.waitForURL(`${issuer}/interaction/**`), page.click('#oidc-signin')]);
      await page.waitForSelector('button[data-person="demo-district-staff"]');
      if (lang === 'en') {
        // A resident signs in too (their token is good for their own cases), but the dashboard is for staff: it says so.
        await Promise.all([page.waitForURL(`${dashboardUrl}/`), page.click('button[data-person="demo-resident"]')]);
        await page.waitForSelector('.error-title');
        expect(await page.textContent('.error-title')).toMatch(/^The dashboard is for staff and paired partners\. Residents and the 12345 hotline/);
        await context.clearCookies(); // the provider's session ends with the tab: the next test picks a person again
      }
      expect((page as any).problems).toEqual([]);
      await page.close();
    }
  });

  it('stays signed in past the access token’s life: the provider’s refresh token renews it a minute before it expires', async () => {
    const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    const page = await newPage();
    const sent: string[] = [];
    page.on('request', (request) => request.url().endsWith('/graphql') && sent.push(request.headers().authorization ?? ''));
    await page.goto(`${dashboardUrl}/`);
    await page.waitForSelector('#oidc-signin:not([hidden])');
    await Promise.all([page.waitForURL(`${issuer}/interaction/**`), page.click('#oidc-signin')]);
    await Promise.all([page.waitForURL(`${dashboardUrl}/`), page.click('button[data-person="demo-street-staff"]')]);
    const first = (await page.evaluate(() => sessionStorage.getItem('cgp.dashboard.token')))!;
    const street = demo.streets.find((s) => s.code === claims(first).unit)!;
    await waitForUnit(page, street.name);

    // A 75-second token: renewed about 15 s after sign-in, with the same caller and a later expiry.
    await page.waitForFunction((old) => sessionStorage.getItem('cgp.dashboard.token') !== old, first, { timeout: 45_000, polling: 500 });
    const second = (await page.evaluate(() => sessionStorage.getItem('cgp.dashboard.token')))!;
    expect(claims(second)).toMatchObject({ sub: 'demo-street-staff', tier: 'STREET', unit: street.code, iss: issuer });
    expect(claims(second).exp).toBeGreaterThan(claims(first).exp);
    // The page goes on with the new token: opening a community asks the platform with it.
    const community = demo.communities.find((c) => c.parentId === street.id)!;
    sent.length = 0;
    await page.evaluate((code) => (location.hash = `unit=${code}`), community.code);
    await waitForUnit(page, community.name);
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent)).toEqual(new Set([`Bearer ${second}`]));
    expect(await page.isVisible('#signin')).toBe(false);
    expect((page as any).problems).toEqual([]);
    await page.close();
  });

  it('asks for a new token when the token has expired', async () => {
    const expired = await tokenFor({ tier: 'DISTRICT', unit: district.code } as never, -60);
    const page = await newPage();
    await page.goto(`${dashboardUrl}/#token=${expired}`);
    await page.waitForSelector('#signin-error:not([hidden])');
    expect(await page.isVisible('#dashboard')).toBe(false);
    expect(await page.textContent('#signin-error')).toContain('UNAUTHENTICATED');
    expect(await page.evaluate(() => sessionStorage.getItem('cgp.dashboard.token'))).toBeNull();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-signin-expired.png'), fullPage: true });

    // Pasting a valid token (the developers' option, folded under the provider's button) opens the dashboard.
    await page.click('#token-paste summary');
    await page.fill('#token-input', await tokenFor({ tier: 'DISTRICT', unit: district.code } as never));
    await page.click('#signin-form button[type="submit"]');
    await waitForUnit(page, district.name);
    expect((page as any).problems).toEqual([]);
    await page.close();
  });
});
