import { createLogger, servicePort, stopOnSignals } from '@cgp/core';
import { startGateway } from './gateway';

const logger = createLogger('gateway');

startGateway({ port: servicePort('gateway'), host: process.env.HOST })
  // On SIGTERM: stop taking requests, finish those in flight, close the subgraph connections, exit 0.
  .then((gateway) => stopOnSignals(logger, () => gateway.stop()))
  .catch((error: Error) => {
    logger.fatal({ err: error }, 'gateway failed to start');
    process.exit(1);
  });
