/** The demo data: the generated district(s) (generate.ts), their work over time (work.ts), appointments, and the loader. */
export * from './generate';
export { Random, stableId, spread } from './random';
export { demoLoadedOn, seedAll } from './load';
export * from './work';
export * from './appointments';
export { GIVEN_NAMES, personName, SURNAMES } from './names';
