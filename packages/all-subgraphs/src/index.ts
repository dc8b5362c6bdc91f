export * from './subgraphs';
export * from './sdl';
export { demoHousehold } from '@cgp/subgraph-community';
