export * from './gateway';
export * from './compose';
export * from './subgraphs';
export * from './dashboard';
export * from './api-schema';
