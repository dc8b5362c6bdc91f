import { join } from 'node:path';
import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { DASHBOARD_DIR, readCommittedSupergraph } from '../src';
import { limitsFromEnvironment, operationCost } from '../src/limits';

/*
 * Every query the dashboard page can send (figures.js builds them, the page and this test alike) is valid
 * against the supergraph and fits the gateway's default limits, for every tier, every ranking it offers,
 * and the partner's view. No platform needed: a typo in the page's configuration fails here in seconds.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const figures = require(join(DASHBOARD_DIR, 'figures.js'));
const schema = buildSchema(readCommittedSupergraph());
const limits = limitsFromEnvironment({});
const PERIOD = figures.periodOf('last12', new Date(2026, 10, 23));
const CODES: Record<string, string> = {
  DISTRICT: '411602',
  STREET: '411602001',
  COMMUNITY: '411602001001',
  GRID: '411602001001001',
  BUILDING: '411602001001001001',
};

function check({ query, variables }: { query: string; variables: Record<string, unknown> }) {
  const document = parse(query);
  expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const cost = operationCost(schema, operation, {}, variables);
  expect(cost).toBeLessThanOrEqual(limits.maxCost);
  expect(query.length).toBeLessThanOrEqual(limits.maxCharacters);
  // Every variable the query declares has a value.
  for (const v of operation.variableDefinitions ?? []) expect(Object.keys(variables)).toContain(v.variable.name.value);
  return cost;
}

describe('the dashboard page’s queries', () => {
  it.each(Object.keys(CODES))('%s: the unit query asks fields that exist, within the default limits', (tier) => {
    const cost = check(figures.unitQuery(tier, CODES[tier], PERIOD));
    expect(cost).toBeGreaterThan(0);
  });

  it.each(Object.keys(CODES))('%s: every ranking offered exists on the unit type with that metric', (tier) => {
    const choices = figures.rankingsFor(tier);
    if (tier === 'BUILDING')
      expect(choices).toEqual([]); // a building has no children to rank
    else expect(new Set(choices.map((c: { domain: string }) => c.domain)).size).toBeGreaterThanOrEqual(5);
    for (const choice of choices) check(figures.rankingQuery(tier, CODES[tier], choice, PERIOD));
  });

  it('partner: its organisation and its paired communities’ pairing figures only', () => {
    const { query, variables } = figures.partnerQuery(PERIOD);
    check({ query, variables });
    // Nothing but the organisation, its pairings and their communities' pairing statistics and trend.
    expect(query).toMatch(/myOrganisation/);
    const fields = [...query.matchAll(/(\w+)(?:\([^)]*\))?\s*\{/g)].map((m) => m[1]);
    expect(new Set(fields)).toEqual(
      new Set(['Partner', 'myOrganisation', 'SocialOrganisation', 'Enterprise', 'pairings', 'community', 'pairingStatistics', 'pairingTrend']),
    );
  });
});
