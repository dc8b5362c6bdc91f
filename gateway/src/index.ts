export * from './gateway';
export * from './compose';
export * from './subgraphs';
