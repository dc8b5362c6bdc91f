import { Client } from 'pg';
import { appDatabaseUrl, pathOfCode } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { authHeader, gql, NO_COST_LIMIT, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';
import { caseSummaryDifferences, rebuildCaseSummaries } from '../src/cases/case.summaries';
import { verifyFigures } from '../../../packages/launcher/src/figures-verify';

/**
 * Issue 16: the case summaries (grid.case_state_count, grid.case_day_count) kept by triggers stay equal to
 * a recomputation from the case rows, through random workflow steps by several callers, some at once.
 */
describe('grid case summaries', () => {
  const demo = generateDemo({ scale: 0.1 });
  const grids = demo.grids.slice(0, 3).map((g) => g.code);
  let platform: InProcessPlatform;
  let owner: Client;
  let url: string;
  const as: Record<string, Record<string, string>> = {};
  let seed = 16;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];

  beforeAll(async () => {
    url = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(url, SUBGRAPHS, NO_COST_LIMIT);
    owner = new Client({ connectionString: url });
    await owner.connect();
    for (const grid of grids) {
      as[`${grid}:manager`] = await authHeader({ tier: 'GRID', unit: grid, roles: ['GRID_MANAGER'], sub: `m-${grid}` });
      as[`${grid}:comanager`] = await authHeader({ tier: 'GRID', unit: grid, roles: ['GRID_CO_MANAGER'], sub: `c-${grid}` });
      as[`${grid}:supervisor`] = await authHeader({ tier: 'GRID', unit: grid, roles: ['GRID_SUPERVISOR'], sub: `s-${grid}` });
    }
  });
  afterAll(async () => {
    await owner?.end();
    await platform?.stop();
  });

  it('match the demo load (built once at its end)', async () => {
    expect(await caseSummaryDifferences(owner)).toEqual([]);
    expect(Number((await owner.query(`SELECT sum(n) AS n FROM grid.case_state_count`)).rows[0].n)).toBe(
      Number((await owner.query(`SELECT count(*) AS n FROM grid.grid_case`)).rows[0].n),
    );
  });

  it('equal a recomputation from the rows after every batch of random workflow steps', async () => {
    const cases: { id: string; grid: string; version: number; state: string }[] = [];
    const STEPS: Record<string, [string, string][]> = {
      RECEIVED: [
        ['manager', 'dispatchCase'],
        ['manager', 'rejectCase'],
      ],
      DISPATCHED: [['comanager', 'startCase']],
      IN_PROGRESS: [['comanager', 'returnCase']],
      RETURNED: [
        ['supervisor', 'closeCase'],
        ['supervisor', 'reopenCase'],
      ],
    };
    const step = async () => {
      const open = cases.filter((c) => STEPS[c.state] && c.version > 0);
      if (!open.length || random() < 0.25) {
        const grid = pick(grids);
        const res = await gql(
          platform.gatewayUrl,
          `mutation ($input: ReportCaseInput!) { r: reportCase(input: $input) { id state version } }`,
          { input: { gridCode: grid, category: pick(['CITY_APPEARANCE', 'PUBLIC_SERVICE', 'SOCIAL_MANAGEMENT']), title: '汇总测试', description: '随机步骤' } },
          as[`${grid}:manager`],
        );
        expect(res.errors).toBeUndefined();
        cases.push({ ...res.data.r, grid });
        return;
      }
      const c = pick(open);
      const [who, mutation] = pick(STEPS[c.state]);
      const version = c.version;
      c.version = -1; // taken: no second step on this case while this one runs
      const res = await gql(
        platform.gatewayUrl,
        `mutation ($input: CaseStepInput!) { r: ${mutation}(input: $input) { state version } }`,
        { input: { caseId: c.id, version } },
        as[`${c.grid}:${who}`],
      );
      if (res.errors) {
        expect(`${mutation}: ${res.errors[0].extensions?.code}`).toBe(`${mutation}: CONFLICT`);
        c.version = version;
        return;
      }
      Object.assign(c, res.data.r);
    };
    const BATCHES = Number(process.env.SUMMARY_BATCHES ?? 25);
    let steps = 0;
    for (let b = 0; b < BATCHES; b++) {
      for (let i = 0; i < 10; i++) {
        // Several callers at once, on different cases.
        await Promise.all(Array.from({ length: 4 }, step));
        steps += 4;
      }
      // An edit by the owner too (an operator back-dating a case): the triggers count it like any write.
      if (b % 5 === 4) {
        const c = pick(cases);
        await owner.query(`UPDATE grid.grid_case SET reported_at = reported_at - interval '3 days' WHERE id = $1`, [c.id]);
      }
      expect({ batch: b, differences: await caseSummaryDifferences(owner) }).toEqual({ batch: b, differences: [] });
    }
    expect(steps).toBeGreaterThanOrEqual(1000);
  }, 120_000);

  it('are rebuilt exactly after a manual edit that bypasses them', async () => {
    await owner.query(`UPDATE grid.case_state_count SET n = n + 7 WHERE ctid = (SELECT ctid FROM grid.case_state_count LIMIT 1)`);
    expect((await caseSummaryDifferences(owner)).length).toBe(1);
    await rebuildCaseSummaries(owner);
    expect(await caseSummaryDifferences(owner)).toEqual([]);
  });

  it('`pnpm figures:verify` finds a broken summary, names it, and `--repair` rebuilds it', async () => {
    const run = async (...args: string[]) => {
      const lines: string[] = [];
      const code = await verifyFigures(args, { DATABASE_URL: url }, { log: (line: string) => lines.push(line) } as Console);
      return { code, output: lines.join('\n') };
    };
    expect(await run()).toEqual({ code: 0, output: 'grid cases: summaries equal the rows' });
    const { path, state } = (await owner.query(`SELECT path::text, state FROM grid.case_state_count WHERE n > 0 ORDER BY path, state LIMIT 1`)).rows[0];
    await owner.query(`UPDATE grid.case_state_count SET n = n + 1 WHERE path = $1::ltree AND state = $2`, [path, state]);
    const broken = await run();
    expect(broken.code).toBe(1);
    expect(broken.output).toContain(`grid.case_state_count ${path} ${state}: stored`);
    expect((await run('--repair')).code).toBe(0);
    expect(await run()).toEqual({ code: 0, output: 'grid cases: summaries equal the rows' });
  });

  it('are scoped like the cases they count: the application reads its subtree only and writes none', async () => {
    const app = new Client({ connectionString: appDatabaseUrl(url) });
    await app.connect();
    try {
      const path = pathOfCode(grids[0]);
      await app.query('BEGIN');
      await app.query(`SELECT set_config('cgp.scope', $1, true)`, [path]);
      const seen = await app.query(`SELECT path::text FROM grid.case_state_count UNION ALL SELECT path::text FROM grid.case_day_count`);
      expect(seen.rows.length).toBeGreaterThan(0);
      expect(seen.rows.filter((r) => !`${r.path}.`.startsWith(`${path}.`))).toEqual([]);
      await expect(app.query(`UPDATE grid.case_state_count SET n = n + 1`)).rejects.toThrow(/permission denied/);
      await app.query('ROLLBACK');
      expect((await app.query(`SELECT count(*)::int AS n FROM grid.case_day_count`)).rows[0].n).toBe(0);
    } finally {
      await app.end();
    }
  });
});
