import { readFileSync } from 'node:fs';
import { API_SCHEMA_PATH, derivedSchemaFiles, K8S_SUPERGRAPH_PATH, readCommittedSupergraph } from '../src';

describe('files derived from the committed supergraph', () => {
  const expected = derivedSchemaFiles(readCommittedSupergraph());

  it('docs/schema.graphql is the API schema of gateway/supergraph.graphql (run `node gateway/dist/compose.js` when it is not)', () => {
    expect(readFileSync(API_SCHEMA_PATH, 'utf8')).toBe(expected[API_SCHEMA_PATH]);
  });

  it('the API schema has no federation machinery left: no join__ or link__ types or directives', () => {
    const sdl = expected[API_SCHEMA_PATH];
    expect(sdl).not.toMatch(/join__|link__|@link|@join/);
    expect(sdl).toMatch(/^type Query \{/m);
  });

  it('infra/k8s/base/supergraph.graphql (the ConfigMap source) is gateway/supergraph.graphql', () => {
    expect(readFileSync(K8S_SUPERGRAPH_PATH, 'utf8')).toBe(expected[K8S_SUPERGRAPH_PATH]);
  });
});
