import { createLogger, DatabaseUnreachableError, isDebug, portProblem, startupConfig, stopOnSignals, SUBGRAPH_NAMES } from '@cgp/core';
import { ServiceStartFailure, startSingleProcess } from './single';

/*
 * The platform in one process (TOPOLOGY=single, what `pnpm start` runs by default): the launcher starts
 * it as its one child, with every service's port, metrics port and URL set (`<NAME>_PORT`…).
 */

// Every variable the gateway and the subgraphs use is checked first: a bad one stops it here with every problem listed.
startupConfig('gateway');
for (const name of SUBGRAPH_NAMES) startupConfig(name);
const logger = createLogger('platform');

startSingleProcess()
  // On SIGTERM: the gateway stops taking requests and finishes those in flight, then the subgraphs do, then the process exits 0.
  .then((platform) => stopOnSignals(logger, () => platform.stop()))
  .catch((failure: unknown) => {
    const service = failure instanceof ServiceStartFailure ? failure.service : undefined;
    const error = failure instanceof ServiceStartFailure ? failure.cause : failure;
    const port = service ? portProblem(service, error) : undefined;
    if (error instanceof DatabaseUnreachableError) process.stderr.write(`${service} subgraph: ${error.message}\n`);
    else
      process.stderr.write(`${port ?? `${service ?? 'platform'} failed to start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`}\n`);
    if (isDebug()) logger.fatal({ err: error }, 'the platform failed to start');
    process.exit(1);
  });
