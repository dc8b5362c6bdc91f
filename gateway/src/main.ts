import { createLogger, isDebug, portProblem, servicePort, startupConfig, stopOnSignals } from '@cgp/core';
import { startGateway } from './gateway';

// Every variable the gateway uses is checked first: a bad one stops it here with every problem listed.
const config = startupConfig('gateway');
const logger = createLogger('gateway');

startGateway({ port: servicePort('gateway'), host: config.HOST })
  // On SIGTERM: stop taking requests, finish those in flight, close the subgraph connections, exit 0.
  .then((gateway) => stopOnSignals(logger, () => gateway.stop()))
  .catch((error: Error) => {
    // One line a person can act on; the details with DEBUG=1 or LOG_LEVEL=debug.
    process.stderr.write(`${portProblem('gateway', error) ?? `gateway failed to start: ${error.message?.split('\n')[0] ?? String(error)}`}\n`);
    if (isDebug()) logger.fatal({ err: error }, 'gateway failed to start');
    process.exit(1);
  });
