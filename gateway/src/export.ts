import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { json, type HttpRoute, type Logger } from '@cgp/core';
import { readManifest } from './safelist';

/*
 * Exports of the dashboard's lists (issue 18): POST /export with the caller's Bearer token and
 * { list, operation, variables, format: "csv" | "xlsx", lang } runs the list's safelisted operation
 * (gateway/dashboard/figures.js LISTS) through this gateway's own /graphql with that token, page by
 * page, and answers the rows as a CSV or Excel file. So an export sees exactly what the page sees:
 * the same scope rule, the same masking, and the subgraphs audit any unmasked personal data read
 * as for any other read. Each export is recorded as an audit entry in the gateway's log
 * (`audit: "export"`: who, which list/operation and variables, format, how many rows, when), the log
 * the platform collects from every service; the gateway keeps no database of its own.
 */

interface ListColumn {
  key: string;
  label: { zh: string; en: string };
  format?: string;
}
interface DashboardList {
  id: string;
  operation: string;
  connection: string;
  title: { zh: string; en: string };
  columns: ListColumn[];
  calendarYear?: boolean;
  variables(unitCode: string, period: { id: string; year: string }): Record<string, unknown>;
}
interface Ranking {
  id: string;
  label: { zh: string; en: string };
  format?: string;
}
interface Figures {
  LISTS: DashboardList[];
  cellText(value: unknown, format: string | undefined, lang: string): string;
  valueAt(row: unknown, key: string): unknown;
  tierOfCode(code: string): string | undefined;
  rankingsFor(tier: string): Ranking[];
  rankingQuery(
    tier: string,
    code: string,
    ranking: Ranking,
    period: { from: string; to: string; year: string },
  ): { query: string; variables: Record<string, unknown> };
}

/** At most this many rows per export (a district's open cases are a few hundred); more is refused. */
export const EXPORT_MAX_ROWS = 10_000;
const PAGE = 100;
const MAX_BODY = 16_384;

/** A page of a list as the dashboard's operations answer it. */
interface ListPage {
  totalCount: number;
  edges: { node: Record<string, unknown> }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A refusal the route answers as it says (status, code, message); anything else thrown is a failure (502). */
class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
const problem = (status: number, code: string, message: string): Problem => new Problem(status, code, message);
const STATUS_OF: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  PERSISTED_QUERY_NOT_IN_SAFELIST: 403,
  RATE_LIMITED: 429,
};

async function readBody(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw problem(413, 'BAD_USER_INPUT', `The export request is larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw problem(400, 'BAD_USER_INPUT', 'The export request is not JSON: { "list", "variables", "format": "csv" | "xlsx", "lang" }');
  }
}

/** The signed-in caller's claims, read from the token /graphql has just accepted (for the audit entry). */
function claimsOf(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The /export route; `graphqlUrl` gives this gateway's own /graphql address (known once it listens). */
export function exportRoute(graphqlUrl: () => string | undefined, logger: Logger): HttpRoute {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const figures = require(resolve(__dirname, '..', 'dashboard', 'figures.js')) as Figures;
  const hashes = new Map(readManifest().operations.map((op) => [op.name, op.id]));

  const run = async (req: IncomingMessage): Promise<{ file: Buffer; name: string; contentType: string }> => {
    if (req.method !== 'POST') throw problem(405, 'BAD_REQUEST', 'POST /export with a JSON body');
    const authorization = req.headers.authorization;
    if (!authorization || !/^Bearer\s+\S+/i.test(authorization)) throw problem(401, 'UNAUTHENTICATED', 'An export needs the caller’s Bearer token');
    const body = await readBody(req);
    if (!isObject(body)) throw problem(400, 'BAD_USER_INPUT', 'The export request must be a JSON object');
    const format = body.format;
    if (format !== 'csv' && format !== 'xlsx') throw problem(400, 'BAD_USER_INPUT', 'format must be "csv" or "xlsx"');
    const lang = body.lang === 'en' ? 'en' : 'zh';
    const unitCode = isObject(body.variables) ? body.variables.unitCode : undefined;
    if (typeof unitCode !== 'string' || !/^\d{6,18}$/.test(unitCode)) throw problem(400, 'BAD_USER_INPUT', 'variables.unitCode must be a unit code');
    const url = graphqlUrl();
    if (!url) throw problem(503, 'UNAVAILABLE', 'The export is not ready');
    const post = async (payload: Record<string, unknown>) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization, 'x-request-id': String(req.headers['x-request-id'] ?? '') || crypto.randomUUID() },
        body: JSON.stringify(payload),
      });
      const answer = (await response.json().catch(() => ({}))) as {
        data?: Record<string, unknown>;
        errors?: { message: string; extensions?: { code?: string } }[];
      };
      const fail = () => {
        const first = answer.errors?.[0];
        const code = first?.extensions?.code ?? 'BAD_GATEWAY';
        return problem(
          STATUS_OF[code] ?? (response.status >= 400 && response.status < 500 ? response.status : 502),
          code,
          first?.message ?? `The list could not be read (HTTP ${response.status})`,
        );
      };
      return { answer, fail };
    };

    let exported: { id: string; operation: string; variables: Record<string, unknown>; title: string; header: string[]; table: string[][] };
    if (body.ranking !== undefined) {
      // A ranking of the unit's children by one metric: the page's own ranking query for that metric and period.
      const tier = figures.tierOfCode(unitCode);
      const ranking = tier ? figures.rankingsFor(tier).find((r) => r.id === body.ranking) : undefined;
      if (!tier || !ranking) throw problem(400, 'BAD_USER_INPUT', `Unknown ranking ${JSON.stringify(body.ranking)} for unit ${unitCode}`);
      const period = isObject(body.variables) ? body.variables : {};
      const text = (v: unknown) => (typeof v === 'string' && v.length <= 10 ? v : undefined);
      if (!text(period.from) || !text(period.to) || !text(period.year))
        throw problem(400, 'BAD_USER_INPUT', 'variables.from, variables.to and variables.year must be the page’s period');
      const { query, variables } = figures.rankingQuery(tier, unitCode, ranking, { from: text(period.from)!, to: text(period.to)!, year: text(period.year)! });
      const { answer, fail } = await post({ query, variables });
      const rows = (answer.data?.unit as { ranking?: { rank: number; value: number | null; code: string; unit?: { name?: string } }[] } | undefined)?.ranking;
      if (!rows) throw fail();
      exported = {
        id: `ranking-${ranking.id}`,
        operation: 'Ranking',
        variables,
        title: ranking.label[lang],
        header: lang === 'en' ? ['Rank', 'Code', 'Unit', ranking.label.en] : ['名次', '代码', '单位', ranking.label.zh],
        table: rows.map((r) => [String(r.rank), r.code, r.unit?.name ?? '', r.value === null ? '' : String(r.value)]),
      };
    } else {
      const list = figures.LISTS.find((l) => l.id === body.list);
      if (!list) throw problem(400, 'BAD_USER_INPUT', `Unknown list ${JSON.stringify(body.list)}; one of ${figures.LISTS.map((l) => l.id).join(', ')}`);
      // The list's own variables for that unit (and year): a caller cannot widen or change the operation's filter.
      const year = isObject(body.variables) ? body.variables.year : undefined;
      if (list.calendarYear && !(typeof year === 'string' && /^\d{4}$/.test(year)))
        throw problem(400, 'BAD_USER_INPUT', `variables.year must be a year (YYYY) for ${list.id}`);
      const variables = list.variables(unitCode, { id: String(year), year: String(year) });
      const hash = hashes.get(list.operation);
      if (!hash) throw problem(503, 'UNAVAILABLE', `${list.operation} is not in the safelist (run pnpm safelist)`);
      const rows: Record<string, unknown>[] = [];
      let after: string | null = null;
      for (;;) {
        const { answer, fail } = await post({
          operationName: list.operation,
          variables: { ...variables, first: PAGE, after },
          extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
        });
        const connection = figures.valueAt(answer.data ?? {}, list.connection) as ListPage | null;
        if (!connection) throw fail();
        if (connection.totalCount > EXPORT_MAX_ROWS)
          throw problem(
            400,
            'BAD_USER_INPUT',
            `The list has ${connection.totalCount} rows, more than an export takes (${EXPORT_MAX_ROWS}); open a smaller unit`,
          );
        for (const edge of connection.edges) rows.push(edge.node);
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      exported = {
        id: list.id,
        operation: list.operation,
        variables,
        title: list.title[lang],
        header: list.columns.map((c) => c.label[lang]),
        table: rows.map((row) => list.columns.map((c) => figures.cellText(figures.valueAt(row, c.key), c.format, lang))),
      };
    }

    const { header, table } = exported;
    const name = `${exported.id}-${unitCode}-${new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)}.${format}`;
    const claims = claimsOf(authorization.replace(/^Bearer\s+/i, ''));
    logger.info(
      {
        audit: 'export',
        sub: claims.sub,
        tier: claims.tier,
        unit: claims.unit,
        list: exported.id,
        operation: exported.operation,
        variables: exported.variables,
        format,
        rows: table.length,
        at: new Date().toISOString(),
      },
      'dashboard list exported',
    );
    if (format === 'csv') {
      // With a byte-order mark, so Excel opens the UTF-8 (Chinese) text correctly.
      return { file: Buffer.from(`\ufeff${stringify([header, ...table])}`, 'utf8'), name, contentType: 'text/csv; charset=utf-8' };
    }
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(exported.title.replace(/[*?:\\/[\]]/g, ' ').slice(0, 31));
    sheet.addRow(header).font = { bold: true };
    for (const row of table) sheet.addRow(row);
    sheet.columns.forEach((column) => (column.width = 18));
    return { file: Buffer.from(await workbook.xlsx.writeBuffer()), name, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  };

  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const { file, name, contentType } = await run(req);
      res.writeHead(200, {
        'content-type': contentType,
        'content-length': file.length,
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
      });
      res.end(file);
    } catch (error) {
      if (error instanceof Problem) return json(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
      logger.error({ err: error }, 'export failed');
      json(res, 502, { errors: [{ message: 'The export failed', extensions: { code: 'BAD_GATEWAY' } }] });
    }
  };
}
