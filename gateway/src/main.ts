import { createLogger, isDebug, metricsPort, servicePort, stopOnSignals } from '@cgp/core';
import { startGateway } from './gateway';

const logger = createLogger('gateway');

startGateway({ port: servicePort('gateway'), host: process.env.HOST })
  // On SIGTERM: stop taking requests, finish those in flight, close the subgraph connections, exit 0.
  .then((gateway) => stopOnSignals(logger, () => gateway.stop()))
  .catch((error: Error & { code?: string; port?: number }) => {
    // One line a person can act on; the details with DEBUG=1 or LOG_LEVEL=debug.
    // The metrics port is the other one the gateway binds (its operations server): the message names the right variable.
    const variable = error.port !== undefined && error.port === metricsPort('gateway') && error.port !== servicePort('gateway') ? 'GATEWAY_METRICS_PORT' : 'GATEWAY_PORT';
    if (error.code === 'EADDRINUSE') process.stderr.write(`gateway: port ${error.port} is in use by another program; set ${variable} (or PORT_BASE with the launcher) to a free port.\n`);
    else process.stderr.write(`gateway failed to start: ${error.message?.split('\n')[0] ?? String(error)}\n`);
    if (isDebug()) logger.fatal({ err: error }, 'gateway failed to start');
    process.exit(1);
  });
