import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(service: string): Logger {
  return pino({
    name: service,
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    base: { service },
    // Credentials never reach a log: tokens and partner API keys.
    redact: ['req.headers.authorization', '*.authorization', 'req.headers["x-api-key"]', '*["x-api-key"]', '*.apiKey'],
  });
}
