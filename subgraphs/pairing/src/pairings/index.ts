import { defineFeature } from '@cgp/core';
import { CreatePairing1732000000000 } from './migrations/1732000000000-create-pairing';
import { PairingRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { pairingFigures } from './pairing.figures';
import {
  CommunityPairingsResolver,
  communityPairingsPermissions,
  EnterpriseResolver,
  enterprisePermissions,
  PairingResolver,
  pairingPermissions,
  SocialOrganisationResolver,
  socialOrganisationPermissions,
} from './pairing.resolver';
import { pairingReference } from './pairing.reference';
import { seedPairings } from './pairing.seed';
import { unitTypes } from './unit.union';

/** Partners (social organisations, caring enterprises) and their pairings with communities; the unit stubs; the pairing figures. */
export const pairings = defineFeature({
  name: 'pairings',
  resolvers: [PairingResolver, SocialOrganisationResolver, EnterpriseResolver, CommunityPairingsResolver],
  orphanedTypes: unitTypes.stubTypes,
  permissions: [pairingPermissions, socialOrganisationPermissions, enterprisePermissions, communityPairingsPermissions, unitTypes.permissions],
  references: pairingReference,
  migrations: [CreatePairing1732000000000, PairingRowLevelSecurity1732000001000],
  seed: seedPairings,
  figures: [pairingFigures],
});
