import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { DEFAULT_PORTS } from '@cgp/core';
import { SUBGRAPHS } from './subgraphs';
import { derivedSchemaFiles } from './api-schema';

export const SUPERGRAPH_PATH = join(__dirname, '..', 'supergraph.graphql');

/** Composes the supergraph from the subgraphs' own SDL; throws with every composition error. */
export async function composeSupergraph(): Promise<string> {
  const services = [];
  for (const def of SUBGRAPHS) {
    const schema = await def.buildSchema();
    services.push({ name: def.name, url: `http://127.0.0.1:${DEFAULT_PORTS[def.name]}/graphql`, typeDefs: parse(printSubgraphSchema(schema)) });
  }
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
