import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_PAGE_SIZE, DELIBERATE_ERROR_CODES, MAX_PAGE_SIZE } from '@cgp/core';
import { apiSchema, readCommittedSupergraph } from '@cgp/gateway';
import { limitsFromEnvironment, operationCost } from '../../../gateway/src/limits';

/** docs/CONSUMER_GUIDE.md says what the code does: its links resolve, its numbers are the code's defaults, its tables are complete. */

const ROOT = join(__dirname, '..', '..', '..');
const GUIDE_PATH = join(ROOT, 'docs', 'CONSUMER_GUIDE.md');
const guide = readFileSync(GUIDE_PATH, 'utf8');

/** GitHub's anchor for a heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
const anchors = (markdown: string) => new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));

describe('docs/CONSUMER_GUIDE.md', () => {
  it('every link resolves: files exist, README sections and the guide’s own sections exist', () => {
    const links = [...guide.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^https?:/.test(l));
    expect(links.length).toBeGreaterThan(20);
    for (const link of links) {
      const [path, anchor] = link.split('#');
      const target = path ? resolve(dirname(GUIDE_PATH), path) : GUIDE_PATH;
      expect([link, existsSync(target)]).toEqual([link, true]);
      if (anchor) expect([link, anchors(readFileSync(target, 'utf8')).has(anchor)]).toEqual([link, true]);
    }
  });

  it('the limits table gives the gateway’s defaults', () => {
    const limits = limitsFromEnvironment({ NODE_ENV: 'production' });
    const byVariable: Record<string, number> = {
      GATEWAY_MAX_DEPTH: limits.maxDepth,
      GATEWAY_MAX_ALIASES: limits.maxAliases,
      GATEWAY_MAX_DIRECTIVES: limits.maxDirectives,
      GATEWAY_MAX_TOKENS: limits.maxTokens,
      GATEWAY_MAX_CHARACTERS: limits.maxCharacters,
      GATEWAY_MAX_COST: limits.maxCost,
      GATEWAY_MAX_BATCH: limits.maxBatch,
    };
    for (const [variable, value] of Object.entries(byVariable)) {
      const row = guide.split('\n').find((l) => l.includes(`\`${variable}\``) && l.startsWith('|'));
      expect([variable, row?.split('|')[2].trim()]).toEqual([variable, String(value)]);
    }
    expect(guide).toContain(`| page size (\`first\`) of any connection or ranking | ${MAX_PAGE_SIZE} |`);
    expect(guide).toContain(`\`first\`: 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`);
  });

  it('the cost example is what the gateway computes', () => {
    const query =
      '{ district(code: "411602") { streets(first: 10) { edges { node { communities(first: 20) { edges { node { grids(first: 20) { totalCount } } } } } } } } }';
    const cost = operationCost(apiSchema(readCommittedSupergraph()), parse(query).definitions[0] as OperationDefinitionNode, {}, {});
    expect(guide).toContain(`costs ${cost.toLocaleString('en')}`);
  });

  it('the errors table lists every code a caller can receive', () => {
    const deliberate = [...DELIBERATE_ERROR_CODES];
    expect(deliberate.length).toBeGreaterThan(5);
    const table = guide.slice(guide.indexOf('## Errors and their codes'), guide.indexOf('## Limits'));
    for (const code of [...deliberate, 'INTERNAL_SERVER_ERROR']) expect([code, table.includes(`\`${code}\``)]).toEqual([code, true]);
  });

  it('the examples table names every example operation', () => {
    const dir = join(ROOT, 'docs', 'examples');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql'))) {
      const row = guide.split('\n').find((l) => l.startsWith(`| [\`${file}\`]`));
      expect([file, row !== undefined]).toEqual([file, true]);
      for (const def of parse(readFileSync(join(dir, file), 'utf8')).definitions) {
        if (def.kind === Kind.OPERATION_DEFINITION) expect(row).toContain(`\`${def.name!.value}\``);
      }
    }
  });

  it('the workflow tables name, for every operation, the caller its variables file runs it as', () => {
    const dir = join(ROOT, 'docs', 'examples');
    const workflows = guide.slice(guide.indexOf('## Workflows'), guide.indexOf('## Typed clients'));
    let checked = 0;
    for (const file of ['cases', 'wishes', 'visits', 'tasks', 'party-life', 'partner', 'notifications']) {
      const steps = JSON.parse(readFileSync(join(dir, `${file}.json`), 'utf8')) as Record<
        string,
        { caller: { tier?: string; roles?: string[]; apiKey?: string } }
      >;
      for (const [key, { caller }] of Object.entries(steps)) {
        if (key.startsWith('$') || key.includes('#')) continue;
        const row = workflows.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
        expect([key, row !== undefined]).toEqual([key, true]);
        const callerCell = row!.split('|')[2];
        const expected = caller.apiKey ? ['API key'] : [`\`${caller.tier}\``, ...(caller.roles ?? []).map((r) => `\`${r}\``)];
        for (const word of expected) expect([key, word, callerCell.includes(word)]).toEqual([key, word, true]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(25);
  });
});
