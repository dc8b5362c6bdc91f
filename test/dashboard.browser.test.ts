import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { generateDemo } from '@cgp/demo-data';
import { gql, preparedDatabase, startPlatform, tokenFor, type InProcessPlatform } from '@cgp/testing';

/*
 * The reference dashboard page (/dashboard) in a real browser: Debian's Chromium driven by playwright-core
 * against the in-process platform on a small demo district. The figures on the page are compared with
 * what the public API answers for the same period, with the same token.
 */

/** Debian's Chromium (`pnpm test` installs it through scripts/ensure-chromium.mjs); never a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
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

/** The KPI figures the API has on every dashboard unit type today, as `<kpi id>.<key>` of the page → query path. */
const FIGURES: Record<string, { field: string; keys: string[]; args?: string; tiers: string[] }> = {
  cases: { field: 'caseStatistics', args: '(from: $from, to: $to)', keys: ['open', 'overdue', 'reportedInPeriod', 'closedInPeriod', 'medianHandlingHours'], tiers: ['District', 'Street', 'Community', 'Grid'] },
  buildingWork: { field: 'buildingWorkStatistics', args: '(from: $from, to: $to)', keys: ['buildingsWithLeader', 'opinions', 'residentsHeard', 'checks', 'problemsFound'], tiers: ['District', 'Street', 'Community', 'Grid'] },
  party: { field: 'partyMembers', keys: ['total', 'resident', 'inService', 'floating'], tiers: ['District', 'Street', 'Community', 'Grid'] },
  serviceReports: { field: 'serviceReportCounts', keys: ['members', 'accepted', 'reported', 'serviceHours'], tiers: ['District', 'Street', 'Community'] },
  tasks: { field: 'taskStatistics', keys: ['admitted', 'open', 'refused', 'pending', 'fundingReceived'], tiers: ['District', 'Street'] },
  assessment: { field: 'assessmentStatistics', args: '(period: $year)', keys: ['assessed', 'averageTotal', 'highestTotal', 'lowestTotal'], tiers: ['District', 'Street', 'Community'] },
};

const TYPENAME_BY_LENGTH: Record<number, string> = { 6: 'District', 9: 'Street', 12: 'Community', 15: 'Grid' };

/** The API's answer for the figures of one unit, with the token of the page. */
async function apiFigures(url: string, token: string, code: string, period: { from: string; to: string; year: string }) {
  const typename = TYPENAME_BY_LENGTH[code.length];
  const figures = Object.entries(FIGURES).filter(([, f]) => f.tiers.includes(typename));
  const fields = figures.map(([id, f]) => `${id}: ${f.field}${f.args ?? ''} { ${f.keys.join(' ')} }`).join('\n');
  const year = figures.some(([, f]) => f.args?.includes('$year')) ? ', $year: String!' : '';
  const res = await gql(
    url,
    `query ($code: String!, $from: String, $to: String${year}) { unit(code: $code) { ... on ${typename} {
      ${fields}
      caseTrend(from: $from, to: $to) { month reported closed }
      overdue: caseRanking(metric: OVERDUE, first: 20, from: $from, to: $to) { rank value code }
      reported: caseRanking(metric: REPORTED, first: 20, from: $from, to: $to) { rank value code }
    } } }`,
    { code, from: period.from, to: period.to, ...(year ? { year: period.year } : {}) },
    { authorization: `Bearer ${token}` },
  );
  expect(res.errors).toBeUndefined();
  return res.data.unit;
}

/** The figures shown on the page: `<kpi>.<key>` → the number as displayed (null for "—"). */
async function pageFigures(page: Page): Promise<Record<string, { text: string; format: string }>> {
  return page.$$eval('#kpis [data-figure]', (nodes) =>
    Object.fromEntries(nodes.map((n) => [(n as HTMLElement).dataset.figure!, { text: n.querySelector('.num')!.textContent!, format: (n as HTMLElement).dataset.format! }])),
  );
}

function shownNumber(text: string): number | null {
  if (text.trim() === '—') return null;
  return Number(text.replace(/[^\d.-]/g, ''));
}

/** Every figure the API has for this unit is on the page with the API's value (decimals as shown, to 0.1). */
async function expectFiguresMatch(page: Page, api: Record<string, any>, code: string) {
  const shown = await pageFigures(page);
  const typename = TYPENAME_BY_LENGTH[code.length];
  let compared = 0;
  for (const [id, f] of Object.entries(FIGURES)) {
    if (!f.tiers.includes(typename)) continue;
    for (const key of f.keys) {
      const figure = shown[`${id}.${key}`];
      expect({ figure: `${id}.${key}`, present: Boolean(figure) }).toEqual({ figure: `${id}.${key}`, present: true });
      const expected = api[id][key] as number | null;
      const value = shownNumber(figure.text);
      if (expected === null) expect(value).toBeNull();
      else if (figure.format === 'int' || figure.format === 'yuan') expect({ figure: `${id}.${key}`, value }).toEqual({ figure: `${id}.${key}`, value: Math.round(expected) });
      else expect({ figure: `${id}.${key}`, value }).toEqual({ figure: `${id}.${key}`, value: Math.round(expected * 10) / 10 });
      compared++;
    }
  }
  return compared;
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
    (expected) => JSON.stringify([...((window as any).echarts.getInstanceByDom(document.querySelector('#ranking-chart'))?.getOption()?.yAxis?.[0]?.data ?? [])].sort()) === expected,
    JSON.stringify([...names].sort()),
  );
}

async function waitForUnit(page: Page, name: string) {
  await page.waitForFunction((n) => document.querySelector('#unit-name')?.textContent === n && !document.querySelector('#dashboard')!.classList.contains('loading'), name);
  await page.waitForSelector('#kpis [data-figure]');
}

describe('dashboard page in Chromium', () => {
  const demo = generateDemo({ scale: 0.2 });
  const district = demo.districts[0];
  let platform: InProcessPlatform;
  let context: BrowserContext;
  let profile: string;
  let dashboardUrl: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: run \`node scripts/ensure-chromium.mjs\` (as root it installs Debian's chromium)`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    dashboardUrl = platform.gatewayUrl.replace(/\/graphql$/, '/dashboard');
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

  it('shows a district its KPI figures, trend and ranking charts as the API answers them, in Chinese and English', async () => {
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
    // The API's figures are real: every party member of the demo district, cases reported in the period.
    expect(api.party.total).toBe(demo.partyMembers.length);
    expect(api.cases.reportedInPeriod).toBeGreaterThan(0);
    await expectFiguresMatch(page, api, district.code);

    // Trend: one point per month of the period, the API's monthly counts, which add up to the period's figure.
    const trend = await chartOn(page, '[data-trend="cases"]');
    expect(trend.canvas).toBe(true);
    expect(trend.x).toEqual(api.caseTrend.map((r: any) => r.month));
    expect(trend.x).toHaveLength(12);
    expect(trend.series).toEqual([api.caseTrend.map((r: any) => r.reported), api.caseTrend.map((r: any) => r.closed)]);
    expect(trend.series[0].reduce((a: number, b: number) => a + b, 0)).toBe(api.cases.reportedInPeriod);

    // Ranking: the streets by overdue cases (rank 1 drawn at the top), then by cases reported after choosing it.
    const names = new Map(demo.streets.map((s) => [s.code, s.name]));
    await page.waitForFunction(() => (window as any).echarts.getInstanceByDom(document.querySelector('#ranking-chart'))?.getOption()?.series?.[0]?.data?.length > 0);
    let ranking = await chartOn(page, '#ranking-chart');
    expect(ranking.canvas).toBe(true);
    expect(ranking.series[0]).toEqual(api.overdue.map((r: any) => r.value).reverse());
    expect(ranking.y).toEqual(api.overdue.map((r: any) => names.get(r.code)).reverse());
    await page.selectOption('#ranking-metric', 'case-reported');
    await page.waitForFunction((expected) => JSON.stringify((window as any).echarts.getInstanceByDom(document.querySelector('#ranking-chart')).getOption().series[0].data.map((d: any) => d.value)) === expected, JSON.stringify(api.reported.map((r: any) => r.value).reverse()));
    ranking = await chartOn(page, '#ranking-chart');
    expect(ranking.y).toEqual(api.reported.map((r: any) => names.get(r.code)).reverse());
    expect(api.reported.reduce((sum: number, r: any) => sum + r.value, 0)).toBe(api.cases.reportedInPeriod);

    // The child table lists the district's streets.
    const rows = await page.$$eval('.child-row', (trs) => trs.map((tr) => ({ code: (tr as HTMLElement).dataset.code, name: tr.querySelector('.child-link')!.textContent })));
    expect(rows.sort((a, b) => a.code!.localeCompare(b.code!))).toEqual(demo.streets.map((s) => ({ code: s.code, name: s.name })).sort((a, b) => a.code.localeCompare(b.code)));
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-district.png'), fullPage: true });

    // English: labels change, figures stay.
    await page.click('#lang');
    await expect(page.textContent('[data-kpi="cases"] h3')).resolves.toBe('Grid cases');
    await expect(page.textContent('#lang')).resolves.toBe('中文');
    await expectFiguresMatch(page, api, district.code);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-district-en.png'), fullPage: true });
    await page.click('#lang');
    await expect(page.textContent('[data-kpi="cases"] h3')).resolves.toBe('网格案件');

    // Another period: the year of the demo's assessments; every figure and the trend follow it.
    const year = { from: '2024-01-01', to: '2025-01-01', year: '2024' };
    await page.selectOption('#period', '2024');
    await page.waitForFunction(() => document.querySelector('[data-kpi="assessment"] h3')?.textContent?.includes('2024') && !document.querySelector('#dashboard')!.classList.contains('loading'));
    expect(await page.$eval('#period-range', (n) => ({ ...(n as HTMLElement).dataset }))).toEqual(year);
    const api2024 = await apiFigures(platform.gatewayUrl, token, district.code, year);
    expect(api2024.assessment.assessed).toBeGreaterThan(0);
    await expectFiguresMatch(page, api2024, district.code);
    expect((await chartOn(page, '[data-trend="cases"]')).x).toEqual(Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`));
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
    await expectFiguresMatch(page, await apiFigures(platform.gatewayUrl, token, street.code, period), street.code);
    const communities = await page.$$eval('.child-row', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.code));
    expect(communities.sort()).toEqual(demo.communities.filter((c) => c.parentId === street.id).map((c) => c.code).sort());

    await page.click(`.child-row[data-code="${community.code}"] .child-link`);
    await waitForUnit(page, community.name);
    expect(await page.$$eval('#breadcrumb a', (as) => as.map((a) => a.textContent))).toEqual([district.name, street.name]);
    // The community's own profile, straight from the demo dataset.
    const shown = await pageFigures(page);
    expect(shownNumber(shown['community.households'].text)).toBe(community.households);
    expect(shownNumber(shown['community.population'].text)).toBe(community.population);
    await expectFiguresMatch(page, await apiFigures(platform.gatewayUrl, token, community.code, period), community.code);
    // The ranking names the community's grids (the grid subgraph's own units).
    const gridNames = demo.grids.filter((g) => g.parentId === community.id).map((g) => g.name);
    await waitForRankingOf(page, gridNames);
    expect(await page.isVisible('#alert')).toBe(false);

    await page.click(`.child-row[data-code="${grid.code}"] .child-link`);
    await waitForUnit(page, grid.name);
    expect(await page.$$eval('#breadcrumb a', (as) => as.map((a) => a.textContent))).toEqual([district.name, street.name, community.name]);
    await expectFiguresMatch(page, await apiFigures(platform.gatewayUrl, token, grid.code, period), grid.code);
    const buildings = await page.$$eval('.child-row', (trs) => trs.map((tr) => ({ code: (tr as HTMLElement).dataset.code, name: tr.querySelector('.child-link')!.textContent })));
    expect(buildings.sort((a, b) => a.code!.localeCompare(b.code!))).toEqual(
      demo.buildings.filter((b) => b.parentId === grid.id).map((b) => ({ code: b.code, name: b.name })).sort((a, b) => a.code.localeCompare(b.code)),
    );
    expect((await chartOn(page, '[data-trend="cases"]')).canvas).toBe(true);
    await waitForRankingOf(page, buildings.map((b) => b.name!));
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
    const refused = await gql(platform.gatewayUrl, `query ($code: String!) { unit(code: $code) { ... on Street { name } } }`, { code: sibling.code }, { authorization: `Bearer ${token}` });
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

  it('asks for a new token when the token has expired', async () => {
    const expired = await tokenFor({ tier: 'DISTRICT', unit: district.code } as never, -60);
    const page = await newPage();
    await page.goto(`${dashboardUrl}/#token=${expired}`);
    await page.waitForSelector('#signin-error:not([hidden])');
    expect(await page.isVisible('#dashboard')).toBe(false);
    expect(await page.textContent('#signin-error')).toContain('UNAUTHENTICATED');
    expect(await page.evaluate(() => sessionStorage.getItem('cgp.dashboard.token'))).toBeNull();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-signin-expired.png'), fullPage: true });

    // Pasting a valid token opens the dashboard.
    await page.fill('#token-input', await tokenFor({ tier: 'DISTRICT', unit: district.code } as never));
    await page.click('#signin-form button[type="submit"]');
    await waitForUnit(page, district.name);
    expect((page as any).problems).toEqual([]);
    await page.close();
  });
});
