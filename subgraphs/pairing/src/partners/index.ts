import { defineFeature } from '@cgp/core';
import { PartnerRegistry1732000090000 } from './migrations/1732000090000-partner-registry';
import { partnerImports, PartnerRegistryResolver, partnerRegistryPermissions } from './partner.resolver';

/** The partner registry: a district registers its social organisations and caring enterprises (pairings and their terms: see pairings). */
export const partners = defineFeature({
  name: 'partners',
  resolvers: [PartnerRegistryResolver, ...partnerImports.resolvers],
  permissions: [partnerRegistryPermissions, partnerImports.permissions],
  migrations: [PartnerRegistry1732000090000],
});
