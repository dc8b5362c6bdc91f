import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as ts from 'typescript';
import { SUBGRAPH_NAMES } from '@cgp/core';
import { composeSupergraph, readSubgraphSdls, subgraphSdlFile } from '../src';

/*
 * The gateway knows the subgraphs by their published contracts only: each one's SDL
 * (subgraphs/<name>/schema.graphql) and its HTTP routes (the pairing subgraph's /partner-keys/*).
 * It depends on no subgraph package, so a subgraph's code can change without rebuilding or
 * redeploying the gateway as long as its SDL does not.
 */

const GATEWAY = join(__dirname, '..');
const SRC = join(GATEWAY, 'src');
/** A subgraph package, or the package that bundles them. */
const SUBGRAPH_CODE = /^@cgp\/(subgraph-|all-subgraphs$)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the gateway depends on no subgraph code', () => {
  it('gateway/package.json lists no subgraph package', () => {
    const manifest = JSON.parse(readFileSync(join(GATEWAY, 'package.json'), 'utf8'));
    const names = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) => Object.keys(manifest[k] ?? {}));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => SUBGRAPH_CODE.test(n))).toEqual([]);
  });

  it('gateway/tsconfig.json references no subgraph project', () => {
    const config = ts.readConfigFile(join(GATEWAY, 'tsconfig.json'), (path) => ts.sys.readFile(path)).config as { references?: { path: string }[] };
    const paths = (config.references ?? []).map((r) => relative(resolve(GATEWAY, '..'), resolve(GATEWAY, r.path)));
    expect(paths).toContain(join('packages', 'core'));
    expect(paths.filter((p) => p.startsWith('subgraphs') || p.includes('all-subgraphs'))).toEqual([]);
  });

  it('no file of gateway/src imports a subgraph package or reaches outside gateway/src by a relative path', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const file of files) {
      // Static imports, re-exports, import types, dynamic import() and require() alike.
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      for (const { fileName: spec } of importedFiles) {
        const outside = spec.startsWith('.') && relative(SRC, resolve(file, '..', spec)).startsWith('..');
        if (SUBGRAPH_CODE.test(spec) || outside) problems.push(`${relative(GATEWAY, file)} imports ${spec}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('composes from the seven SDL files alone: a field added to one file appears in the supergraph', async () => {
    const sdls = readSubgraphSdls();
    expect(Object.keys(sdls)).toEqual([...SUBGRAPH_NAMES]);
    for (const name of SUBGRAPH_NAMES) expect(subgraphSdlFile(name)).toBe(join(GATEWAY, '..', 'subgraphs', name, 'schema.graphql'));
    const committed = await composeSupergraph(sdls);
    expect(committed).not.toMatch(/gatewayOnlyProbe/);
    const changed = await composeSupergraph({ ...sdls, grid: `${sdls.grid}\nextend type Query { gatewayOnlyProbe: Int }\n` });
    expect(changed).toMatch(/gatewayOnlyProbe: Int @join__field\(graph: GRID\)/);
  });
});
