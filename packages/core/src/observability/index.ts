export * from './request-scope';
export * from './tracing';
export * from './metrics';
export * from './plugin';
export * from './readiness';
