import { buildSchema, Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { readCommittedSupergraph, startGateway, type RunningGateway } from '@cgp/gateway';
import { districtStaff, gql, preparedDatabase, startPlatform, TEST_AUTH, type InProcessPlatform } from '@cgp/testing';
import { DEFAULT_PAGE_SIZE, limitsFromEnvironment, operationCost } from '../src/limits';

/** Operation limits at the gateway: each refused with BAD_USER_INPUT naming the limit, before any subgraph is asked. */
describe('gateway operation limits', () => {
  let platform: InProcessPlatform;
  let strict: RunningGateway;
  let production: RunningGateway;
  let headers: Record<string, string>;
  const LIMITS = { maxDepth: 6, maxAliases: 3, maxDirectives: 2, maxTokens: 200, maxCharacters: 1500, maxCost: 400, maxBatch: 2, introspection: true };

  beforeAll(async () => {
    // The subgraphs of this platform run with the strict limits too: the same limits hold by every route.
    platform = await startPlatform(await preparedDatabase({ scale: 0.1 }), undefined, { limits: LIMITS });
    const supergraphSdl = readCommittedSupergraph();
    const subgraphUrls = Object.fromEntries(Object.values(platform.subgraphs).map((s) => [s.name, s.url]));
    strict = await startGateway({ port: 0, auth: TEST_AUTH, supergraphSdl, subgraphUrls, limits: LIMITS });
    production = await startGateway({ port: 0, auth: TEST_AUTH, supergraphSdl, subgraphUrls, limits: { introspection: false } });
    headers = await districtStaff();
  });
  afterAll(async () => {
    await strict?.stop();
    await production?.stop();
    await platform?.stop();
  });

  /** Limits on the operation's shape (characters, tokens, depth, aliases, directives) answer GRAPHQL_VALIDATION_FAILED; cost and batch size BAD_USER_INPUT. */
  const refusal = async (url: string, query: string, variables?: Record<string, unknown>, code = 'BAD_USER_INPUT') => {
    const res = await gql(url, query, variables, headers);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe(code);
    return res.errors![0].message;
  };

  it('answers an operation within every limit', async () => {
    const res = await gql(strict.url, '{ district(code: "411602") { name streets(first: 2) { totalCount } } }', undefined, headers);
    expect(res.errors).toBeUndefined();
    expect(res.data.district.name).toBe('川汇区');
  });

  it('refuses operations that are too deep, have too many aliases or directives, too many tokens or characters', async () => {
    expect(
      await refusal(
        strict.url,
        '{ district(code: "411602") { streets { edges { node { communities { edges { node { name } } } } } } } }',
        undefined,
        'GRAPHQL_VALIDATION_FAILED',
      ),
    ).toMatch(/depth limit of 6/i);
    expect(await refusal(strict.url, '{ a: me { tier } b: me { tier } c: me { tier } d: me { tier } }', undefined, 'GRAPHQL_VALIDATION_FAILED')).toMatch(
      /aliases limit of 3/i,
    );
    expect(await refusal(strict.url, '{ me @skip(if: false) @include(if: true) { tier @skip(if: false) } }', undefined, 'GRAPHQL_VALIDATION_FAILED')).toMatch(
      /directives limit of 2/i,
    );
    expect(await refusal(strict.url, `{ me { ${'tier '.repeat(200)} } }`, undefined, 'GRAPHQL_VALIDATION_FAILED')).toMatch(/token limit of 200/i);
    expect(await refusal(strict.url, `{ me { tier } } ${'#'.repeat(1600)}`, undefined, 'GRAPHQL_VALIDATION_FAILED')).toMatch(
      /1\d{3} characters; the limit is 1500 \(GATEWAY_MAX_CHARACTERS\)/,
    );
  });

  it('weighs list fields by their page size (literal or variable) when costing an operation', async () => {
    const nested = 'query ($n: Int) { district(code: "411602") { streets(first: $n) { edges { node { communities(first: 10) { totalCount } } } } } }';
    // 1 (district) + 1 (streets) + n × (1 edges + 1 node + 1 communities + 10 × 1 totalCount) → 2 + 13n
    expect((await gql(strict.url, nested, { n: 20 }, headers)).errors).toBeUndefined();
    expect(await refusal(strict.url, nested, { n: 40 })).toMatch(/costs 522; the limit is 400 \(GATEWAY_MAX_COST\)/);
  });

  it('limits batched operations per HTTP request', async () => {
    const post = (body: unknown) =>
      fetch(strict.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const two = await post([{ query: '{ me { tier } }' }, { query: '{ me { unit } }' }]);
    expect(two.status).toBe(200);
    expect(((await two.json()) as { data: unknown }[]).map((r) => r.data)).toEqual([{ me: { tier: 'DISTRICT' } }, { me: { unit: '411602' } }]);
    const three = await post([{ query: '{ me { tier } }' }, { query: '{ me { tier } }' }, { query: '{ me { tier } }' }]);
    expect(three.status).toBe(400);
    const body = (await three.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toMatch(/batches 3 operations; the limit is 2/);
  });

  it('turns introspection and field suggestions off in production mode, on in development', async () => {
    expect((await gql(strict.url, '{ __schema { queryType { name } } }', undefined, headers)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const denied = await gql(production.url, '{ __schema { queryType { name } } }', undefined, headers);
    expect(denied.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await gql(strict.url, '{ districts(first: 1) { totalCont } }', undefined, headers);
    expect(typo.errors?.[0]?.message).toMatch(/Did you mean "totalCount"/);
    const hidden = await gql(production.url, '{ districts(first: 1) { totalCont } }', undefined, headers);
    expect(hidden.errors?.[0]?.message).toMatch(/Cannot query field "totalCont"/);
    expect(hidden.errors?.[0]?.message).not.toMatch(/totalCount/);
  });

  it('reads its limits from the environment, introspection off in production unless asked for', () => {
    expect(limitsFromEnvironment({ GATEWAY_MAX_DEPTH: '9', NODE_ENV: 'production' })).toMatchObject({ maxDepth: 9, introspection: false });
    expect(limitsFromEnvironment({ NODE_ENV: 'development' }).introspection).toBe(true);
    expect(limitsFromEnvironment({ NODE_ENV: 'production', GATEWAY_INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(() => limitsFromEnvironment({ GATEWAY_MAX_COST: 'lots' })).toThrow(/GATEWAY_MAX_COST/);
  });

  it('costs connections without `first` at the default page size and fragments like inline selections', () => {
    const schema = buildSchema(`
      type Query { districts(first: Int): DistrictConnection! }
      type DistrictConnection { totalCount: Int! edges: [DistrictEdge!]! }
      type DistrictEdge { node: District! }
      type District { name: String! organisations: [String!]! }`);
    const cost = (query: string, variables?: Record<string, unknown>) => {
      const doc = parse(query);
      const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
      const fragments = Object.fromEntries(
        doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
      );
      return operationCost(schema, op, fragments, variables);
    };
    expect(cost('{ districts { totalCount } }')).toBe(1 + DEFAULT_PAGE_SIZE * 1);
    expect(cost('{ districts(first: 3) { edges { node { name } } } }')).toBe(1 + 3 * (1 + 1 + 1));
    expect(cost('{ districts(first: 2) { edges { node { organisations } } } }')).toBe(1 + 2 * (1 + 1 + 1));
    expect(cost('{ districts(first: 3) { ...F } } fragment F on DistrictConnection { edges { node { name } } }')).toBe(
      cost('{ districts(first: 3) { edges { node { name } } } }'),
    );
  });

  it('counts page sizes however they are given: variable defaults, schema defaults, fragments spread twice, _entities by representation', () => {
    const schema = buildSchema(`
      scalar _Any
      union _Entity = District
      type Query { districts(first: Int): DistrictConnection! ranking(first: Int = 50): [District!]! _entities(representations: [_Any!]!): [_Entity]! }
      type DistrictConnection { totalCount: Int! edges: [DistrictEdge!]! }
      type DistrictEdge { node: District! }
      type District { name: String! }`);
    const cost = (query: string, variables?: Record<string, unknown>) => {
      const doc = parse(query);
      const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
      const fragments = Object.fromEntries(
        doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
      );
      return operationCost(schema, op, fragments, variables);
    };
    // A variable's default is the page size when the variable is not sent; a sent value wins.
    expect(cost('query ($n: Int = 100) { districts(first: $n) { totalCount } }')).toBe(1 + 100);
    expect(cost('query ($n: Int = 100) { districts(first: $n) { totalCount } }', { n: 5 })).toBe(1 + 5);
    // The schema's default for `first` (a ranking's 50), not the assumed list size.
    expect(cost('{ ranking { name } }')).toBe(1 + 50);
    // A fragment counts wherever it is spread.
    expect(cost('{ a: districts(first: 10) { ...F } b: districts(first: 10) { ...F } } fragment F on DistrictConnection { totalCount }')).toBe(2 * (1 + 10));
    // `__typename` and introspection fields are fields: they cost, with what is below them.
    expect(cost('{ a: __typename b: __typename c: __typename }')).toBe(3);
    expect(cost('{ __schema { types { fields { name } } } }')).toBeGreaterThan(100);
    // A subgraph's _entities costs once per representation it is asked for.
    expect(
      cost('query ($r: [_Any!]!) { _entities(representations: $r) { ... on District { name } } }', {
        r: Array.from({ length: 40 }, (_, i) => ({ __typename: 'District', code: String(i) })),
      }),
    ).toBe(1 + 40);
  });

  it('weighs a parsed operation once and its variables at each request (the same document comes with other variables)', () => {
    const schema = buildSchema(`
      scalar _Any
      union _Entity = District
      type Query { districts(first: Int): DistrictConnection! _entities(representations: [_Any!]!): [_Entity]! }
      type DistrictConnection { totalCount: Int! edges: [DistrictEdge!]! }
      type DistrictEdge { node: District! }
      type District { name: String! }`);
    const doc = parse(
      'query ($n: Int = 7, $r: [_Any!]!) { districts(first: $n) { edges { node { name } } } fixed: districts(first: 2) { totalCount } _entities(representations: $r) { __typename } }',
    );
    const op = doc.definitions[0] as OperationDefinitionNode;
    const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'District', code: String(i) }));
    const expected = (n: number, r: number) => 1 + n * (1 + 1 + 1) + (1 + 2) + (1 + r);
    expect(operationCost(schema, op, {}, { r: reps(3) })).toBe(expected(7, 3));
    expect(operationCost(schema, op, {}, { n: 4, r: reps(40) })).toBe(expected(4, 40));
    expect(operationCost(schema, op, {}, { n: 4, r: reps(1) })).toBe(expected(4, 1));
    // A new schema (a gateway that reloaded its supergraph) is weighed anew.
    const other = buildSchema(`
      scalar _Any
      union _Entity = District
      type Query { districts(first: Int = 9): [District!]! _entities(representations: [_Any!]!): [_Entity]! }
      type District { name: String! totalCount: Int edges: [District!] node: District }`);
    expect(operationCost(other, op, {}, { n: 4, r: reps(1) })).toBe(1 + 4 * (1 + 10 * (1 + 1)) + (1 + 2 * 1) + (1 + 1));
  });

  it('counts __typename aliases and introspection depth like any other', async () => {
    const aliases = Array.from({ length: 4 }, (_, i) => `t${i}: __typename`).join(' ');
    expect(await refusal(strict.url, `{ ${aliases} }`, undefined, 'GRAPHQL_VALIDATION_FAILED')).toMatch(/aliases limit of 3/i);
    expect(
      await refusal(strict.url, '{ __schema { types { fields { type { ofType { ofType { name } } } } } } }', undefined, 'GRAPHQL_VALIDATION_FAILED'),
    ).toMatch(/depth limit of 6/i);
  });

  it('a subgraph called directly refuses what the gateway refuses: depth, aliases, directives, tokens, characters and cost', async () => {
    const street = platform.subgraphs.street.url;
    const district = platform.subgraphs.district.url;
    expect(
      await refusal(
        street,
        '{ street(code: "411602001") { communities { edges { node { grids { edges { node { code } } } } } } } }',
        undefined,
        'GRAPHQL_VALIDATION_FAILED',
      ),
    ).toMatch(/depth limit of 6/i);
    expect(await refusal(district, '{ a: me { tier } b: me { tier } c: me { tier } d: me { tier } }', undefined, 'GRAPHQL_VALIDATION_FAILED')).toMatch(
      /aliases limit of 3/i,
    );
    expect(await refusal(district, `{ a: __typename b: __typename c: __typename d: __typename }`, undefined, 'GRAPHQL_VALIDATION_FAILED')).toMatch(
      /aliases limit of 3/i,
    );
    expect(await refusal(district, '{ me @skip(if: false) @include(if: true) { tier @skip(if: false) } }', undefined, 'GRAPHQL_VALIDATION_FAILED')).toMatch(
      /directives limit of 2/i,
    );
    expect(await refusal(district, `{ me { ${'tier '.repeat(200)} } }`, undefined, 'GRAPHQL_VALIDATION_FAILED')).toMatch(/token limit of 200/i);
    expect(await refusal(district, `{ me { tier } } ${'#'.repeat(1600)}`, undefined, 'GRAPHQL_VALIDATION_FAILED')).toMatch(
      /the limit is 1500 \(GATEWAY_MAX_CHARACTERS\)/,
    );
    // Cost, with the page size in a variable's default: the subgraph counts it as the gateway does.
    // 1 (streets) + 100 × (edges + node + code + name) = 401
    const costly = 'query ($n: Int = 100) { streets(first: $n) { edges { node { code name } } } }';
    expect(await refusal(street, costly)).toMatch(/costs 401; the limit is 400 \(GATEWAY_MAX_COST\)/);
    expect(await refusal(strict.url, costly)).toMatch(/costs 401; the limit is 400 \(GATEWAY_MAX_COST\)/);
    // _entities with more representations than the cost allows.
    const representations = Array.from({ length: 500 }, (_, i) => ({ __typename: 'Street', code: `411602${String(i).padStart(3, '0')}` }));
    expect(await refusal(street, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Street { code } } }', { r: representations })).toMatch(
      /GATEWAY_MAX_COST/,
    );
  });
});
