import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { apiSchema, API_SCHEMA_PATH, readCommittedSupergraph } from '@cgp/gateway';
import { limitsFromEnvironment, operationCost } from '../../../gateway/src/limits';

/**
 * The consumer side of the contract, without a running platform: every example operation in
 * docs/examples validates against the committed API schema and stays inside the gateway's default
 * limits, and the typed client's generated code is what GraphQL Code Generator makes of them now.
 */

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLES = join(ROOT, 'docs', 'examples');
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.graphql'));
const documents = files.map((file) => ({ file, document: parse(readFileSync(join(EXAMPLES, file), 'utf8')) }));

describe('docs/examples', () => {
  it('has an example per tier, for the dashboard, for partners and for every workflow', () => {
    const workflows = ['cases', 'wishes', 'visits', 'tasks', 'party-life', 'partner-registry', 'appointments', 'units', 'intake', 'notifications'];
    expect(files.sort()).toEqual(
      [...['building', 'community', 'dashboard', 'district', 'grid', 'partner', 'street'], ...workflows].map((n) => `${n}.graphql`).sort(),
    );
  });

  it('every operation and fragment is named, once across all examples (the generated types are named after them)', () => {
    const names = documents.flatMap(({ document }) => document.definitions.map((d) => (d as OperationDefinitionNode).name?.value));
    expect(names.every(Boolean)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(files)('%s validates against docs/schema.graphql and the API schema of the committed supergraph', (file) => {
    const { document } = documents.find((d) => d.file === file)!;
    expect(validate(buildSchema(readFileSync(API_SCHEMA_PATH, 'utf8')), document).map((e) => e.message)).toEqual([]);
    expect(validate(apiSchema(readCommittedSupergraph()), document).map((e) => e.message)).toEqual([]);
  });

  it('the validation is not vacuous: a misspelt field or a missing argument is refused', () => {
    const schema = buildSchema(readFileSync(API_SCHEMA_PATH, 'utf8'));
    expect(validate(schema, parse('{ district(code: "411602") { nmae } }'))).toHaveLength(1);
    expect(validate(schema, parse('{ district { name } }'))).toHaveLength(1);
  });

  it('every operation stays inside the gateway’s default limits (cost weighted by page size, depth)', () => {
    const limits = limitsFromEnvironment({ NODE_ENV: 'production' });
    const schema = apiSchema(readCommittedSupergraph());
    for (const { file, document } of documents) {
      for (const def of document.definitions) {
        if (def.kind !== Kind.OPERATION_DEFINITION) continue;
        const cost = operationCost(schema, def, {}, {});
        expect([file, def.name?.value, cost <= limits.maxCost]).toEqual([file, def.name?.value, true]);
      }
    }
  });
});

describe('examples/typed-client generated code', () => {
  it('is what GraphQL Code Generator makes of docs/schema.graphql and docs/examples now (run `pnpm --filter @cgp/example-typed-client codegen` when it is not)', () => {
    const bin = join(__dirname, '..', 'node_modules', '.bin', 'graphql-codegen');
    const result = spawnSync(bin, ['--config', 'codegen.yml', '--check'], { cwd: join(__dirname, '..'), encoding: 'utf8' });
    expect([result.status, result.status === 0 ? '' : `${result.stdout}${result.stderr}`]).toEqual([0, '']);
  });
});
