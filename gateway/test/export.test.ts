import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { createLogger } from '@cgp/core';
import { exportRoute, readManifest } from '../src';

/*
 * The gateway's POST /export route on its own: what it sends to /graphql (the list's safelisted operation by
 * hash, the list's own variables, the caller's token, page after page), the files it answers and the audit
 * entry it writes. /graphql is a stand-in here that answers like the platform; the scope, masking and the real
 * platform's answers are covered end to end by test/dashboard.browser.test.ts.
 */
describe('the /export route of the gateway', () => {
  let upstream: Server;
  let server: Server;
  let exportUrl: string;
  const received: { authorization?: string; body: any }[] = [];
  const logged: any[] = [];
  /** 250 open cases in pages of 100, or the error the upstream is told to answer. */
  let answerError: { code: string; message: string } | null = null;
  const cases = Array.from({ length: 250 }, (_, i) => ({
    id: `c${i}`,
    number: `N-${String(i).padStart(3, '0')}`,
    title: '楼道堆放杂物, "东侧"',
    category: 'CITY_APPEARANCE',
    state: 'DISPATCHED',
    gridCode: '411602001001001',
    buildingCode: null,
    reportedAt: '2026-12-01T02:00:00.000Z',
    deadline: '2026-12-03T02:00:00.000Z',
    overdue: i % 10 === 0,
  }));

  const body = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  };

  beforeAll(async () => {
    upstream = createServer(async (req, res) => {
      const request = await body(req);
      received.push({ authorization: req.headers.authorization, body: request });
      res.setHeader('content-type', 'application/json');
      if (answerError) return void res.end(JSON.stringify({ data: null, errors: [{ message: answerError.message, extensions: { code: answerError.code } }] }));
      const start = request.variables.after ? Number(request.variables.after) : 0;
      const page = cases.slice(start, start + request.variables.first);
      const end = start + page.length;
      res.end(
        JSON.stringify({
          data: {
            cases: { totalCount: cases.length, pageInfo: { hasNextPage: end < cases.length, endCursor: String(end) }, edges: page.map((node) => ({ node })) },
          },
        }),
      );
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const sink = new Writable({
      write(chunk, _e, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logged.push(JSON.parse(line));
        done();
      },
    });
    const route = exportRoute(() => `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/graphql`, createLogger('gateway', sink, 'info'));
    server = createServer((req, res) => void route(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    exportUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/export`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => upstream.close(() => r()));
  });

  // A token as the platform issues them (the route reads its claims only for the audit entry; /graphql verifies it).
  const token = `x.${Buffer.from(JSON.stringify({ sub: 'district-staff-411602', tier: 'DISTRICT', unit: '411602' })).toString('base64url')}.y`;
  const post = (payload: unknown) =>
    fetch(exportUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(payload) });

  it('runs the list’s safelisted operation by hash with the caller’s token and the list’s own filter, page by page, and answers every row as CSV', async () => {
    received.length = 0;
    logged.length = 0;
    // A filter smuggled into the variables is not used: the list decides what it lists.
    const res = await post({ list: 'overdueCases', variables: { unitCode: '411602', filter: { states: ['CLOSED'] } }, format: 'csv', lang: 'zh' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="overdueCases-411602-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv<string[]>(Buffer.from(await res.arrayBuffer()).toString('utf8'), { bom: true });
    expect(rows[0]).toEqual(['案件编号', '事项', '类别', '状态', '网格', '楼栋', '承办人', '上报时间', '办结时限', '逾期']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(cases.map((c) => c.number));
    // Commas and quotes survive; times are China Standard Time.
    expect(rows[1].slice(1, 2)).toEqual(['楼道堆放杂物, "东侧"']);
    expect(rows[1][7]).toBe('2026-12-01 10:00');
    expect(rows[1][9]).toBe('是');
    const hash = readManifest().operations.find((o) => o.name === 'DashboardCases')!.id;
    expect(received.map((r) => [r.authorization, r.body.extensions.persistedQuery.sha256Hash, r.body.variables])).toEqual([
      [`Bearer ${token}`, hash, { unitCode: '411602', filter: { overdue: true }, first: 100, after: null }],
      [`Bearer ${token}`, hash, { unitCode: '411602', filter: { overdue: true }, first: 100, after: '100' }],
      [`Bearer ${token}`, hash, { unitCode: '411602', filter: { overdue: true }, first: 100, after: '200' }],
    ]);
    expect(received.every((r) => r.body.query === undefined)).toBe(true);
    // The audit entry: who, what, how many rows, when.
    const audit = logged.filter((l) => l.audit === 'export');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      sub: 'district-staff-411602',
      tier: 'DISTRICT',
      unit: '411602',
      list: 'overdueCases',
      operation: 'DashboardCases',
      variables: { unitCode: '411602', filter: { overdue: true } },
      format: 'csv',
      rows: 250,
    });
    expect(Math.abs(Date.parse(audit[0].at) - Date.now())).toBeLessThan(60_000);
  });

  it('answers the same rows as an Excel workbook, with English column names', async () => {
    const res = await post({ list: 'openCases', variables: { unitCode: '411602' }, format: 'xlsx', lang: 'en' });
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const sheet = book.worksheets[0];
    expect(sheet.name).toBe('Open cases');
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
      'Number',
      'Title',
      'Category',
      'State',
      'Grid',
      'Building',
      'Handler',
      'Reported',
      'Deadline',
      'Overdue',
    ]);
    expect(sheet.rowCount).toBe(251);
    expect((sheet.getRow(2).values as unknown[])[10]).toBe('yes');
  });

  it('passes the platform’s refusal on with its code and a 4xx, and audits nothing', async () => {
    logged.length = 0;
    answerError = { code: 'FORBIDDEN', message: 'outside your unit' };
    try {
      const res = await post({ list: 'openCases', variables: { unitCode: '411603' }, format: 'csv' });
      expect(res.status).toBe(403);
      expect((await res.json()).errors[0].extensions.code).toBe('FORBIDDEN');
      answerError = { code: 'UNAUTHENTICATED', message: 'bad token' };
      expect((await post({ list: 'openCases', variables: { unitCode: '411602' }, format: 'csv' })).status).toBe(401);
    } finally {
      answerError = null;
    }
    expect(logged.filter((l) => l.audit === 'export')).toEqual([]);
  });
});
