export * from './gateway';
export * from './compose';
export * from './dashboard';
export * from './partner-api';
export * from './partner-auth';
export * from './rate-limit';
export * from './safelist';
export * from './api-schema';
