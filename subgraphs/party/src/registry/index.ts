import { defineFeature } from '@cgp/core';
import { PartyRegistry1732000120000 } from './migrations/1732000120000-party-registry';
import { partyImports, PartyRegistryResolver, partyRegistryPermissions } from './registry.resolver';

/** The party registry (issue 14): organisations in the tree, members, transfers, the end of a report (报到), registry files. */
export const registry = defineFeature({
  name: 'registry',
  resolvers: [PartyRegistryResolver, ...partyImports.resolvers],
  permissions: [partyRegistryPermissions, partyImports.permissions],
  migrations: [PartyRegistry1732000120000],
});
