import { createLogger, servicePort } from '@cgp/core';
import { startGateway } from './gateway';

const logger = createLogger('gateway');

startGateway({ port: servicePort('gateway'), host: process.env.HOST })
  .then((gateway) => {
    const shutdown = async () => {
      await gateway.stop();
      process.exit(0);
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  })
  .catch((error: Error) => {
    logger.fatal({ err: error }, 'gateway failed to start');
    process.exit(1);
  });
