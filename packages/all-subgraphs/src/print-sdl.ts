import { writeFileSync } from 'node:fs';
import { relative, join } from 'node:path';
import { printSubgraphSdl, subgraphSdlPath } from './sdl';
import { SUBGRAPHS } from './subgraphs';

/** `node packages/all-subgraphs/dist/print-sdl.js` (the first step of `pnpm compose`): writes every subgraph's schema.graphql. */
async function main(): Promise<void> {
  const root = join(__dirname, '..', '..', '..');
  for (const def of SUBGRAPHS) {
    const path = subgraphSdlPath(def.name);
    writeFileSync(path, await printSubgraphSdl(def));
    process.stdout.write(`${relative(root, path)} written\n`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
