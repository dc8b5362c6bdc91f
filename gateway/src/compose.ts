import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { DEFAULT_PORTS, SUBGRAPH_NAMES, type SubgraphName } from '@cgp/core';
import { derivedSchemaFiles } from './api-schema';

export const SUPERGRAPH_PATH = join(__dirname, '..', 'supergraph.graphql');

/**
 * A subgraph's published SDL: subgraphs/<name>/schema.graphql, printed from the subgraph's code by
 * `pnpm compose` (packages/all-subgraphs) and committed. The gateway reads these files, never the
 * subgraphs' code: it depends on no subgraph package.
 */
export function subgraphSdlFile(name: SubgraphName): string {
  return join(__dirname, '..', '..', 'subgraphs', name, 'schema.graphql');
}

/** Every subgraph's committed SDL, by name. */
export function readSubgraphSdls(): Record<SubgraphName, string> {
  return Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, readFileSync(subgraphSdlFile(name), 'utf8')])) as Record<SubgraphName, string>;
}

/** Composes the supergraph from the subgraphs' SDL (their committed files unless given); throws with every composition error. */
export async function composeSupergraph(sdls: Record<SubgraphName, string> = readSubgraphSdls()): Promise<string> {
  const services = SUBGRAPH_NAMES.map((name) => ({ name, url: `http://127.0.0.1:${DEFAULT_PORTS[name]}/graphql`, typeDefs: parse(sdls[name]) }));
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`The subgraphs do not compose:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

export function readCommittedSupergraph(): string {
  return readFileSync(SUPERGRAPH_PATH, 'utf8');
}

if (require.main === module) {
  composeSupergraph()
    .then((sdl) => {
      writeFileSync(SUPERGRAPH_PATH, sdl);
      process.stdout.write(`supergraph written to ${SUPERGRAPH_PATH}\n`);
      // The public API schema (docs/) and the Kubernetes ConfigMap's copy (infra/) follow it.
      for (const [path, content] of Object.entries(derivedSchemaFiles(sdl))) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, content);
        process.stdout.write(`${relative(join(__dirname, '..', '..'), path)} written\n`);
      }
    })
    .catch((error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    });
}
