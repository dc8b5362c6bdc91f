import { createLogger, isDebug, servicePort, stopOnSignals } from '@cgp/core';
import { startGateway } from './gateway';

const logger = createLogger('gateway');

startGateway({ port: servicePort('gateway'), host: process.env.HOST })
  // On SIGTERM: stop taking requests, finish those in flight, close the subgraph connections, exit 0.
  .then((gateway) => stopOnSignals(logger, () => gateway.stop()))
  .catch((error: Error & { code?: string; port?: number }) => {
    // One line a person can act on; the details with DEBUG=1 or LOG_LEVEL=debug.
    if (error.code === 'EADDRINUSE') process.stderr.write(`gateway: port ${error.port} is in use by another program; set GATEWAY_PORT or GATEWAY_METRICS_PORT (or PORT_BASE with the launcher) to a free port.\n`);
    else process.stderr.write(`gateway failed to start: ${error.message?.split('\n')[0] ?? String(error)}\n`);
    if (isDebug()) logger.fatal({ err: error }, 'gateway failed to start');
    process.exit(1);
  });
