import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { CallerKind, chinaToday, type Claims } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { DEFAULT_RATE_LIMITS, readManifest } from '@cgp/gateway';
import { preparedDatabase, startPlatform, tokenFor, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/**
 * Every example of docs/examples runs, as its caller, in the order its variables file lists it,
 * against the platform with the demo data and every guard on (the partner safelist, rate limits,
 * operation limits): each operation answers without errors and with what its "returns" says. The
 * variables files (docs/examples/<name>.json) give, per operation, the caller's token claims (or a
 * partner API key), the variables and part of the answer; "{{Op: path}}" in them is a value of an
 * earlier answer, "{{today}}", "{{today+N}}" and "{{year}}" are China dates as the platform counts them
 * (docs/CONSUMER_GUIDE.md, Workflows). A partner's operations go by hash, as the safelist requires.
 */

const EXAMPLES = join(__dirname, '..', '..', '..', 'docs', 'examples');
const graphqlFiles = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.graphql'))
  .sort();

interface Step {
  caller: (Partial<Claims> & { tier: string }) | { apiKey: string };
  variables?: Record<string, unknown>;
  returns?: Record<string, unknown>;
}
type Steps = Record<string, Step>;

/** The steps of an example file, in order (keys starting with `$` are comments). */
function stepsOf(file: string): [string, Step][] {
  const json = JSON.parse(readFileSync(join(EXAMPLES, file.replace(/\.graphql$/, '.json')), 'utf8')) as Steps;
  return Object.entries(json).filter(([name]) => !name.startsWith('$'));
}

/** The operation a step sends: its key up to a `#` (`VisitsDue#after` sends VisitsDue again). */
const operationOf = (key: string) => key.split('#')[0];

/** Each named operation of a document printed with the fragments it uses (as the safelist prints them). */
function operationsOf(document: DocumentNode): Map<string, string> {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const result = new Map<string, string>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const used = new Set<string>();
    const collect = (node: DefinitionNode) =>
      visit(node, {
        FragmentSpread(spread) {
          if (used.has(spread.name.value)) return;
          used.add(spread.name.value);
          collect(fragments.get(spread.name.value)!);
        },
      });
    collect(def);
    result.set(def.name!.value, print({ kind: Kind.DOCUMENT, definitions: [def, ...[...fragments.values()].filter((f) => used.has(f.name.value))] }));
  }
  return result;
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The value at a path such as `community.pairings[active=true].partner.id` or `edges[0].node.id`. */
function at(data: unknown, path: string): unknown {
  let value: unknown = data;
  for (const [, key, index] of path.matchAll(/([^.[\]]+)|\[([^\]]+)\]/g)) {
    if (key !== undefined) value = (value as Record<string, unknown> | undefined)?.[key];
    else if (/^\d+$/.test(index)) value = (value as unknown[] | undefined)?.[Number(index)];
    else {
      const [field, wanted] = index.split('=');
      value = (value as Record<string, unknown>[] | undefined)?.find((item) => String(item[field]) === wanted);
    }
  }
  return value;
}

/** Fills in the placeholders of a variables (or returns) value from the earlier answers. */
function resolve(value: unknown, answers: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const placeholder = /^\{\{\s*(?:([\w#]+):\s*([^}]+?)|today([+-]\d+)?|(year))\s*\}\}$/.exec(value);
    if (!placeholder) return value;
    const [, operation, path, offset, year] = placeholder;
    const today = chinaToday();
    if (year) return Number(today.slice(0, 4));
    if (!operation) return addDays(today, Number(offset ?? 0));
    if (!(operation in answers)) throw new Error(`${value}: ${operation} has not run before this step`);
    const found = at(answers[operation], path);
    if (found === undefined || found === null)
      throw new Error(`${value}: nothing at ${path} in the answer of ${operation}: ${JSON.stringify(answers[operation])}`);
    return found;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, answers));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, answers)]));
  return value;
}

/** A "returns" value as a jest matcher: objects match partially, `{ "$contains": [...] }` lists among others, arrays exactly in order. */
function matcher(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(matcher);
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('$contains' in object) return expect.arrayContaining((object.$contains as unknown[]).map(matcher));
    return expect.objectContaining(Object.fromEntries(Object.entries(object).map(([k, v]) => [k, matcher(v)])));
  }
  return value;
}

describe('docs/examples: the variables files', () => {
  it.each(graphqlFiles)('%s has its variables file naming each of its operations, nothing else', (file) => {
    const operations = parse(readFileSync(join(EXAMPLES, file), 'utf8'))
      .definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
      .map((d) => d.name!.value);
    expect([...new Set(stepsOf(file).map(([key]) => operationOf(key)))].sort()).toEqual([...operations].sort());
  });

  it('every .json file belongs to an example', () => {
    for (const json of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))) expect(graphqlFiles).toContain(json.replace(/\.json$/, '.graphql'));
  });

  it('the placeholders read earlier answers, and a missing value is an error rather than a silent null', () => {
    const answers = {
      A: {
        list: [
          { active: false, id: 'x' },
          { active: true, id: 'y' },
        ],
        edges: [{ node: { v: 3 } }],
      },
    };
    expect(resolve({ a: '{{A: list[active=true].id}}', b: ['{{A: edges[0].node.v}}'], c: 'plain' }, answers)).toEqual({ a: 'y', b: [3], c: 'plain' });
    expect(resolve('{{today+1}}', {})).toBe(addDays(chinaToday(), 1));
    expect(() => resolve('{{A: list[active=maybe].id}}', answers)).toThrow(/nothing at/);
    expect(() => resolve('{{B: id}}', answers)).toThrow(/has not run/);
  });
});

describe('docs/examples run against the platform, each operation as its caller', () => {
  const demo = generateDemo({ scale: 0.3 });
  const safelist = readManifest().operations;
  let platform: InProcessPlatform;

  beforeAll(async () => {
    // Every guard on, as in production: partners may run only safelisted operations, every caller is rate-limited.
    platform = await startPlatform(await preparedDatabase({ dataset: demo }), undefined, { partnerSafelist: true, rateLimits: DEFAULT_RATE_LIMITS });
  });
  afterAll(() => platform?.stop());

  describe.each(graphqlFiles)('%s', (file) => {
    const operations = operationsOf(parse(readFileSync(join(EXAMPLES, file), 'utf8')));
    const answers: Record<string, unknown> = {};

    it.each(stepsOf(file))('%s', async (key, step) => {
      const name = operationOf(key);
      const caller = resolve(step.caller, answers) as Step['caller'];
      const variables = resolve(step.variables ?? {}, answers) as Record<string, unknown>;
      const query = operations.get(name)!;
      const isPartner = 'apiKey' in caller || caller.tier === CallerKind.PARTNER;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      headers.authorization =
        'apiKey' in caller
          ? `ApiKey ${caller.apiKey}`
          : `Bearer ${await tokenFor({ sub: `example-${caller.tier}-${(caller.roles ?? []).join('-')}`, ...caller })}`;
      let body: Record<string, unknown> = { query, operationName: name, variables };
      if (isPartner) {
        // A partner sends the operation's hash; the example's text must be the safelisted one.
        const listed = safelist.find((op) => op.name === name);
        expect([name, listed?.body]).toEqual([name, query]);
        body = { operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: listed!.id } } };
      }
      const res = await fetch(platform.gatewayUrl, { method: 'POST', headers, body: JSON.stringify(body) });
      const answer = (await res.json()) as GraphQLResponse<Record<string, unknown>>;
      expect([key, res.status, answer.errors]).toEqual([key, 200, undefined]);
      answers[key] = answer.data;
      if (step.returns) expect(answer.data).toEqual(matcher(resolve(step.returns, answers)));
    });
  });
});
