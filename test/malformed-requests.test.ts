import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DELIBERATE_ERROR_CODES, SUBGRAPH_NAMES } from '@cgp/core';
import { authHeader, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';

/**
 * A string, or a recipe for a long one: `{ "$repeat": text, "times": n }` (`{{i}}` and `{{i+1}}` in the
 * text become the repetition's index), `{ "$concat": [parts] }`. Objects and arrays are walked.
 */
type Template = unknown;

interface CorpusEntry {
  name: string;
  method?: string;
  /** Default /graphql. */
  path?: string;
  /** Query string, `?…`. */
  search?: Template;
  /** Extra headers; null removes a default one (content-type). */
  headers?: Record<string, string | null>;
  /** The caller: a valid district-staff token (default), none, or the `authorization` given in headers. */
  auth?: 'staff' | 'none' | 'bad';
  /** A string is sent as is; `{ "$raw": template }` as the text it expands to; anything else as JSON; null: no body. */
  body?: Template;
  bodyBase64?: string;
  /** A JSON body of about this many bytes (generated here rather than committed). */
  bodyBytes?: number;
  /** Sends the body as a stream: chunked, without content-length. */
  chunked?: boolean;
  /** Adds this many `x-h-<n>` headers. */
  manyHeaders?: number;
  /** A whole HTTP/1.1 request, written to a raw socket as latin1 bytes (for what fetch would refuse to send). */
  raw?: Template;
  /** `gateway`, `subgraphs` (all seven) or subgraph names; default gateway and all subgraphs. */
  targets?: string[];
  expect: {
    /** Exact, or an inclusive range. */
    status?: number | [number, number];
    /** The first error's code is one of these. */
    code?: string | string[];
    /** A successful answer: data and no errors (the request is hostile but harmless). */
    data?: boolean;
    /** No body to read (HEAD). */
    noBody?: boolean;
    /** Not a GraphQL route: any body, as long as it is no 5xx and carries no internals. */
    anyBody?: boolean;
  };
}

const CORPUS: CorpusEntry[] = JSON.parse(readFileSync(join(__dirname, 'corpus', 'malformed-requests.json'), 'utf8'));

/** Codes that say the client must change something; the unavailable ones (a retry would do) are not among them. */
const CLIENT_CODES = new Set([...DELIBERATE_ERROR_CODES].filter((code) => !/UNAVAILABLE$/.test(code)));
/** What no answer may carry: a stack frame, a source path, SQL or the database's own words. */
const INTERNALS =
  /INTERNAL_SERVER_ERROR|stacktrace|\n\s+at |node_modules|\.[jt]s:\d+|SQLSTATE|QueryFailedError|syntax error at or near|invalid byte sequence|violates .* constraint|relation "[^"]*" does not exist|\bSELECT\b.*\bFROM\b|\bINSERT INTO\b|\bUPDATE\b.*\bSET\b/;

function expand(template: Template): unknown {
  if (typeof template === 'string' || template === null || typeof template !== 'object') return template;
  if (Array.isArray(template)) return template.map(expand);
  const t = template as Record<string, unknown>;
  if (typeof t.$repeat === 'string') {
    const text = t.$repeat;
    const indexed = text.includes('{{');
    let out = '';
    for (let i = 0; i < (t.times as number); i++) out += indexed ? text.replaceAll('{{i+1}}', String(i + 1)).replaceAll('{{i}}', String(i)) : text;
    return out;
  }
  if (Array.isArray(t.$concat)) return t.$concat.map((part) => expand(part) as string).join('');
  return Object.fromEntries(Object.entries(t).map(([key, value]) => [key, expand(value)]));
}

function bodyOf(entry: CorpusEntry): string | Buffer | undefined {
  if (entry.bodyBase64 !== undefined) return Buffer.from(entry.bodyBase64, 'base64');
  if (entry.bodyBytes !== undefined) {
    const head = '{"query":"query($pad: String) { __typename }","variables":{"pad":"';
    const tail = '"}}';
    return head + 'x'.repeat(Math.max(0, entry.bodyBytes - head.length - tail.length)) + tail;
  }
  const body = entry.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && !Array.isArray(body) && '$raw' in body) return expand(body.$raw) as string;
  return JSON.stringify(expand(body));
}

interface Answer {
  status: number;
  text: string;
}

/** Sends a raw HTTP request and reads one response (content-length or chunked), or whatever came before the socket closed. */
function sendRaw(port: number, request: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = received.toString('utf8');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      if (!status) return reject(new Error(`no HTTP answer (${JSON.stringify(text.slice(0, 80))})`));
      const headerEnd = text.indexOf('\r\n\r\n');
      let body = headerEnd >= 0 ? text.slice(headerEnd + 4) : '';
      if (/\r\ntransfer-encoding: chunked/i.test(text.slice(0, headerEnd))) body = body.replace(/^[0-9a-f]+\r\n|\r\n[0-9a-f]+\r\n|\r\n0\r\n\r\n$/gi, '');
      resolve({ status: Number(status), text: body });
    };
    const timer = setTimeout(done, 5_000);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('latin1');
      const headerEnd = text.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, headerEnd))?.[1];
      if (length !== undefined && received.length >= headerEnd + 4 + Number(length)) done();
      else if (/\r\ntransfer-encoding: chunked/i.test(text.slice(0, headerEnd)) && text.endsWith('\r\n0\r\n\r\n')) done();
    });
    socket.on('close', done);
    socket.on('error', () => done());
    socket.write(Buffer.from(request, 'latin1'));
  });
}

/**
 * Issue 12, item 5: nothing a client can send makes the platform answer 5xx or INTERNAL_SERVER_ERROR.
 * A committed corpus of malformed and hostile requests (test/corpus/malformed-requests.json) goes to
 * the gateway and to each of the seven subgraphs directly; every answer is a 4xx, or a GraphQL error
 * with a client code, whose body carries no stack, path or SQL; afterwards every service is ready.
 *
 * Auth-failure throttling (429 after many bad tokens from one address) does not get in the way: only
 * three entries carry a bad token and they go to the gateway alone, a few more carry none; the rest use
 * a valid token. A 429 RATE_LIMITED answer would still pass (a client code), it would only weaken them.
 */
describe('malformed and hostile requests', () => {
  let platform: InProcessPlatform;
  let staff: Record<string, string>;

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ scale: 0.1 }));
    staff = await authHeader({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] } as never);
  }, 120_000);
  afterAll(() => platform?.stop());

  function targetsOf(entry: CorpusEntry): { name: string; base: string; port: number }[] {
    const all = [{ name: 'gateway', url: platform.gatewayUrl }, ...SUBGRAPH_NAMES.map((name) => ({ name, url: platform.subgraphs[name].url }))];
    const wanted = new Set((entry.targets ?? ['gateway', 'subgraphs']).flatMap((t) => (t === 'subgraphs' ? [...SUBGRAPH_NAMES] : [t])));
    return all.filter((t) => wanted.has(t.name)).map((t) => ({ name: t.name, base: t.url.replace(/\/graphql$/, ''), port: Number(new URL(t.url).port) }));
  }

  async function send(entry: CorpusEntry, target: { base: string; port: number }): Promise<Answer> {
    if (entry.raw !== undefined) return sendRaw(target.port, expand(entry.raw) as string);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(entry.auth === 'none' || entry.auth === 'bad' ? {} : staff) };
    for (const [name, value] of Object.entries(entry.headers ?? {})) {
      if (value === null) delete headers[name];
      else headers[name] = value;
    }
    for (let i = 0; i < (entry.manyHeaders ?? 0); i++) headers[`x-h-${i}`] = String(i);
    const body = bodyOf(entry);
    const method = entry.method ?? 'POST';
    const url = `${target.base}${entry.path ?? '/graphql'}${(expand(entry.search) as string | undefined) ?? ''}`;
    const init: RequestInit & { duplex?: 'half' } = { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body };
    if (entry.chunked && body !== undefined) {
      const bytes = Buffer.from(body);
      init.body = new ReadableStream({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024));
          controller.close();
        },
      });
      init.duplex = 'half';
    }
    const res = await fetch(url, init);
    return { status: res.status, text: await res.text() };
  }

  /** What is wrong with an answer, or undefined. */
  function problemWith(entry: CorpusEntry, answer: Answer): string | undefined {
    const { expect: want } = entry;
    if (answer.status >= 500) return `status ${answer.status}: ${answer.text.slice(0, 300)}`;
    const status = want.status ?? (want.data ? 200 : [200, 499]);
    const [low, high] = Array.isArray(status) ? status : [status, status];
    if (answer.status < low || answer.status > high) return `status ${answer.status}, expected ${JSON.stringify(status)}: ${answer.text.slice(0, 300)}`;
    if (INTERNALS.test(answer.text)) return `the body shows internals: ${answer.text.slice(0, 300)}`;
    if (want.noBody || want.anyBody) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text);
    } catch {
      return `the body is not JSON: ${JSON.stringify(answer.text.slice(0, 200))}`;
    }
    const results = (Array.isArray(parsed) ? parsed : [parsed]) as { data?: unknown; errors?: { message?: unknown; extensions?: { code?: unknown } }[] }[];
    const errors = results.flatMap((r) => r?.errors ?? []);
    if (want.data) {
      if (errors.length || results.some((r) => r?.data == null)) return `expected data and no errors: ${answer.text.slice(0, 300)}`;
      return undefined;
    }
    if (!errors.length) return `no errors: ${answer.text.slice(0, 300)}`;
    for (const error of errors) {
      if (typeof error.message !== 'string' || !error.message) return `an error without a message: ${JSON.stringify(error)}`;
      if (!CLIENT_CODES.has(error.extensions?.code as string))
        return `code ${String(error.extensions?.code)} is not a client code: ${JSON.stringify(error).slice(0, 300)}`;
    }
    const codes = want.code === undefined ? undefined : [want.code].flat();
    if (codes && !codes.includes(errors[0].extensions?.code as string))
      return `code ${String(errors[0].extensions?.code)}, expected ${codes.join(' or ')}: ${String(errors[0].message).slice(0, 200)}`;
    return undefined;
  }

  it('answers every entry of the corpus with a client error (never 5xx, never INTERNAL_SERVER_ERROR, no internals), and is ready afterwards', async () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(150);
    expect(new Set(CORPUS.map((e) => e.name)).size).toBe(CORPUS.length);
    const failures: string[] = [];
    let sent = 0;
    for (const entry of CORPUS) {
      await Promise.all(
        targetsOf(entry).map(async (target) => {
          sent++;
          try {
            const problem = problemWith(entry, await send(entry, target));
            if (problem) failures.push(`${target.name} · ${entry.name}: ${problem}`);
          } catch (error) {
            failures.push(`${target.name} · ${entry.name}: no answer (${(error as Error).message})`);
          }
        }),
      );
    }
    process.stdout.write(
      `malformed-requests corpus: ${CORPUS.length} entries, ${sent} requests sent (gateway and 7 subgraphs), ${failures.length} failed\n${failures.map((f) => `  ${f}\n`).join('')}`,
    );
    expect(failures).toEqual([]);
    // Nothing in the corpus reached Object.prototype (the __proto__ and constructor entries).
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Every service is still there and ready.
    for (const url of [platform.gatewayUrl, ...Object.values(platform.subgraphs).map((s) => s.url)]) {
      const ready = await fetch(url.replace(/\/graphql$/, '/ready'));
      expect([url, ready.status]).toEqual([url, 200]);
    }
  }, 600_000);
});
