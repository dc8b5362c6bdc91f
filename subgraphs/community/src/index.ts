import 'reflect-metadata';
import { defineSubgraph, type Feature } from '@cgp/core';
import { units } from './units';
import { residentsModule } from './residents';
import { ResidentImportWorker } from './residents/import-jobs';
import { services } from './services';
import { wishes } from './wishes';
import { statistics } from './statistics';

/** A piece of the subgraph not yet in the feature shape (being converted). */
function legacy(name: string, m: { resolvers: readonly Function[]; orphanedTypes: readonly Function[]; migrations: Feature['migrations']; referenceResolvers: Feature['references']; seed: Feature['seed']; permissions: Feature['permissions'] }): Feature {
  return { name, resolvers: m.resolvers, orphanedTypes: m.orphanedTypes, migrations: m.migrations, references: m.referenceResolvers, seed: m.seed, permissions: m.permissions };
}

export const communitySubgraph = defineSubgraph({
  name: 'community',
  features: [
    units,
    { ...legacy('residents', residentsModule), workers: (db, logger) => [new ResidentImportWorker(db, logger).start()] },
    wishes,
    services,
    legacy('statistics', statistics),
  ],
});
