import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idCardCheckDigit, startSubgraph } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, TEST_AUTH, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';
import { communitySubgraph } from '../src';

const HEADER = 'building_code,room,name,id_card_number,phone,birth_date,gender,key_categories';

/**
 * A community's register of `n` residents, valid throughout: ID-card numbers of `area` (outside the
 * demo's districts), 1,000 per birth date from 1940 on; gender and birth date match the number.
 */
export function register(n: number, buildings: string[], area: string): string {
  const lines = [HEADER];
  const base = Date.UTC(1940, 0, 1);
  for (let i = 0; i < n; i++) {
    const birth = new Date(base + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10);
    const first17 = `${area}${birth.replace(/-/g, '')}${String(i % 1000).padStart(3, '0')}`;
    const building = buildings[i % buildings.length];
    const room = String(101 + (Math.floor(i / buildings.length) % 60));
    lines.push(
      [
        building,
        room,
        `居民${i}`,
        first17 + idCardCheckDigit(first17),
        `138${String(i).padStart(8, '0')}`,
        birth,
        i % 2 ? 'MALE' : 'FEMALE',
        i % 7 ? '' : 'ELDERLY',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

const JOB = `id communityCode state submittedBy rowsTotal rowsChecked rowsWritten cancelRequested startedAt finishedAt message badRowCount
  report { rows residentsCreated householdsCreated householdsReused } badRows { line column reason }`;

/** Residents imports as jobs, through the gateway: a whole register, bad rows, cancelling, scope, and a restart of the subgraph mid-import. */
describe('residents import jobs', () => {
  const demo = generateDemo({ scale: 0.1 });
  const community = demo.communities.find((c) => demo.communities.some((o) => o.code !== c.code && o.code.slice(0, 9) === c.code.slice(0, 9)))!;
  const sibling = demo.communities.find((o) => o.code !== community.code && o.code.slice(0, 9) === community.code.slice(0, 9))!;
  const buildings = demo.buildings.filter((b) => b.code.startsWith(community.code)).map((b) => b.code);
  let databaseUrl: string;
  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const submit = (csv: string, who = 'staff') =>
    call(who, `mutation Submit($c: String!, $csv: String!) { submitResidentImport(communityCode: $c, csv: $csv) { ${JOB} } }`, { c: community.code, csv });
  const job = async (id: string, who = 'staff') => {
    const res = await call(who, `query Job($id: ID!) { residentImportJob(id: $id) { ${JOB} } }`, { id });
    expect(res.errors).toBeUndefined();
    return res.data!.residentImportJob;
  };
  const residents = async () => {
    const res = await call('staff', `query Count($c: String!) { community(code: $c) { residents(first: 1) { totalCount } } }`, { c: community.code });
    expect(res.errors).toBeUndefined();
    return res.data.community.residents.totalCount as number;
  };
  /** Polls a job until `done` holds (or its state is final), recording every answer. */
  const follow = async (id: string, done: (j: any) => boolean = (j) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(j.state), seen: any[] = []) => {
    for (let i = 0; i < 1200; i++) {
      const j = await job(id);
      seen.push(j);
      if (done(j)) return j;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`job ${id} did not get there in 120 s: ${JSON.stringify(seen.at(-1))}`);
  };

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(databaseUrl);
    as.staff = await authHeader({ tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: 'community-staff' });
    as.sibling = await authHeader({ tier: 'COMMUNITY', unit: sibling.code, roles: ['STAFF'], sub: 'sibling-staff' });
    as.street = await authHeader({ tier: 'STREET', unit: community.code.slice(0, 9), roles: ['STAFF'], sub: 'street-staff' });
  });
  afterAll(() => platform?.stop());

  it('imports a whole register of 30,000 residents as a job: answered at once, progress rising, all written at the end', async () => {
    const csv = register(30_000, buildings, '110101');
    const before = await residents();
    const t0 = Date.now();
    const submitted = await submit(csv);
    const answeredMs = Date.now() - t0;
    expect(submitted.errors).toBeUndefined();
    const queued = submitted.data.submitResidentImport;
    expect(queued).toMatchObject({
      communityCode: community.code,
      state: 'QUEUED',
      submittedBy: 'community-staff',
      rowsTotal: 30_000,
      rowsWritten: 0,
      report: null,
    });
    const seen: any[] = [];
    const done = await follow(queued.id, undefined, seen);
    const seconds = (Date.now() - t0) / 1000;
    process.stdout.write(
      `30,000-row import through the gateway: submit answered in ${answeredMs} ms, SUCCEEDED after ${seconds.toFixed(1)} s (${Math.round(30_000 / seconds)} rows/s)\n`,
    );
    expect(done).toMatchObject({ state: 'SUCCEEDED', rowsChecked: 30_000, rowsWritten: 30_000, badRows: [], message: null });
    expect(done.report).toMatchObject({ rows: 30_000, residentsCreated: 30_000 });
    expect(done.report.householdsCreated + done.report.householdsReused).toBe(
      new Set(
        csv
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(',').slice(0, 2).join('/')),
      ).size,
    );
    // Progress was seen between the start and the end, and never went back.
    expect(seen.some((j) => j.state === 'RUNNING' && (j.rowsChecked < 30_000 || j.rowsWritten < 30_000))).toBe(true);
    const running = seen.filter((j) => j.state === 'RUNNING');
    for (let i = 1; i < running.length; i++) {
      expect(running[i].rowsChecked).toBeGreaterThanOrEqual(running[i - 1].rowsChecked);
      expect(running[i].rowsWritten).toBeGreaterThanOrEqual(running[i - 1].rowsWritten);
    }
    expect(await residents()).toBe(before + 30_000);

    // The community's job list has it; other communities' staff see neither it nor the list, nor may they cancel it.
    const list = await call('staff', `query ($c: String!) { residentImportJobs(communityCode: $c) { id state } }`, { c: community.code });
    expect(list.data.residentImportJobs).toContainEqual({ id: queued.id, state: 'SUCCEEDED' });
    expect(await job(queued.id, 'sibling')).toBeNull();
    expect(code(await call('sibling', `query ($c: String!) { residentImportJobs(communityCode: $c) { id } }`, { c: community.code }))).toBe('FORBIDDEN');
    expect(code(await call('sibling', `mutation ($id: ID!) { cancelResidentImport(id: $id) { state } }`, { id: queued.id }))).toBe('FORBIDDEN');
    expect(code(await submit(register(2, buildings, '110102'), 'sibling'))).toBe('FORBIDDEN');
    // The street above sees the job (its subtree) but only community staff import or cancel.
    expect((await job(queued.id, 'street')).state).toBe('SUCCEEDED');
    expect(code(await call('street', `mutation ($id: ID!) { cancelResidentImport(id: $id) { state } }`, { id: queued.id }))).toBe('FORBIDDEN');
    // A job that has ended cannot be cancelled.
    const late = await call('staff', `mutation ($id: ID!) { cancelResidentImport(id: $id) { state } }`, { id: queued.id });
    expect(code(late)).toBe('BAD_USER_INPUT');
    expect(late.errors![0].message).toMatch(/already ended \(SUCCEEDED\)/);
  });

  it('fails a file with bad rows, listing every bad line, and writes nothing', async () => {
    const lines = register(3_000, buildings, '110103').trim().split('\n');
    const registered = register(1, buildings, '110101').trim().split('\n')[1]; // imported by the first test
    lines[10] = lines[10].replace(/,1[0-9]{10},/, ',12345,'); // line 11: a bad phone
    lines[1500] = lines[1500].replace(/,(FEMALE|MALE),/, (m, g) => `,${g === 'MALE' ? 'FEMALE' : 'MALE'},`); // line 1501: gender against the ID card
    lines[2999] = lines[5]; // line 3000: the same person as line 6
    lines.push(registered); // line 3002: registered already
    const before = await residents();
    const submitted = await submit(`${lines.join('\n')}\n`);
    expect(submitted.errors).toBeUndefined();
    const done = await follow(submitted.data.submitResidentImport.id);
    expect(done.state).toBe('FAILED');
    expect(done.report).toBeNull();
    expect(done.badRowCount).toBe(4);
    expect(done.badRows.map((r: any) => [r.line, r.column])).toEqual([
      [11, 'phone'],
      [1501, 'gender'],
      [3000, 'id_card_number'],
      [3002, 'id_card_number'],
    ]);
    expect(done.badRows[2].reason).toMatch(/duplicate ID-card number .*already on line 6/);
    expect(done.badRows[3].reason).toMatch(/already registered/);
    expect(done.message).toMatch(/^Nothing was imported: 4 row\(s\) are bad\. line 11: /);
    expect(await residents()).toBe(before);

    // A file that cannot be imported at all is refused when submitted.
    const header = await submit('building,room\n1,2\n');
    expect(code(header)).toBe('BAD_USER_INPUT');
    expect(header.errors![0].message).toMatch(/missing: .*id_card_number/);
  });

  it('cancels a running job: it ends CANCELLED and writes nothing', async () => {
    const before = await residents();
    const submitted = await submit(register(30_000, buildings, '110104'));
    const { id } = submitted.data.submitResidentImport;
    await follow(id, (j) => j.state === 'RUNNING' && j.rowsChecked > 0);
    const cancel = await call('staff', `mutation ($id: ID!) { cancelResidentImport(id: $id) { id state cancelRequested } }`, { id });
    expect(cancel.errors).toBeUndefined();
    expect(cancel.data.cancelResidentImport).toMatchObject({ id, cancelRequested: true });
    const done = await follow(id);
    expect(done).toMatchObject({ state: 'CANCELLED', report: null });
    expect(done.message).toMatch(/nothing was imported/);
    expect(await residents()).toBe(before);
  });

  it('survives a restart of the community subgraph mid-import: the job runs again from the start, written once', async () => {
    const before = await residents();
    const submitted = await submit(register(30_000, buildings, '110105'));
    const { id } = submitted.data.submitResidentImport;
    const first = await follow(id, (j) => j.state === 'RUNNING' && j.rowsWritten > 0);
    const old = platform.subgraphs.community;
    const port = Number(new URL(old.url).port);
    await old.stop();
    // Started again on the same port (the gateway's route): the job, left RUNNING with nothing committed, is taken up again.
    platform.subgraphs.community = await startSubgraph(communitySubgraph, {
      port,
      databaseUrl,
      auth: TEST_AUTH,
      peers: Object.fromEntries(Object.values(platform.subgraphs).map((s) => [s.name, s.url])),
    });
    const done = await follow(id);
    expect(done).toMatchObject({ state: 'SUCCEEDED', rowsWritten: 30_000, report: { rows: 30_000, residentsCreated: 30_000 } });
    expect(new Date(done.startedAt).getTime()).toBeGreaterThan(new Date(first.startedAt).getTime());
    expect(await residents()).toBe(before + 30_000);
  });

  it('the CLI imports a file as a job with a progress bar, or lists every bad line and writes nothing (exit 1)', async () => {
    const cli = join(__dirname, '..', 'dist', 'import-residents.js');
    const dir = mkdtempSync(join(tmpdir(), 'cgp-import-'));
    const run = (file: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [cli, '--community', community.code, '--file', file, '--operator', 'tester'],
          { env: { ...process.env, DATABASE_URL: databaseUrl } },
          (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr }),
        );
      });
    const before = await residents();
    const bad = join(dir, 'bad.csv');
    const lines = register(2_000, buildings, '110106').trim().split('\n');
    lines[42] = lines[42].replace(/,(19[0-9]{2})-/, ',2999-'); // line 43: born in the future
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const refused = await run(bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Nothing was imported: 1 problem\(s\)\.\nline 43 \(birth_date\): /);
    expect(await residents()).toBe(before);

    const good = join(dir, 'good.csv');
    writeFileSync(good, register(2_000, buildings, '110106'));
    const imported = await run(good);
    expect(imported.stderr).toMatch(/\] 100% {2}checked 2,000\/2,000 {2}written 2,000/);
    expect(imported.stdout).toMatch(new RegExp(`^Imported 2000 residents from 2000 rows into community ${community.code}`));
    expect(imported.code).toBe(0);
    expect(await residents()).toBe(before + 2_000);
    const list = await call('staff', `query ($c: String!) { residentImportJobs(communityCode: $c, first: 1) { state submittedBy } }`, { c: community.code });
    expect(list.data.residentImportJobs).toEqual([{ state: 'SUCCEEDED', submittedBy: 'import-cli:tester' }]);
  });
});
