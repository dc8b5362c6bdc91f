export * from './subgraphs';
export * from './sdl';
export { demoHousehold } from '@cgp/subgraph-community';
export { caseSummaryDifferences, rebuildCaseSummaries, type SummaryDifference } from '@cgp/subgraph-grid';
