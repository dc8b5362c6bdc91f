import 'reflect-metadata';
import { buildFederatedSchema, rules, type SubgraphDefinition } from '@cgp/core';
import { CreatePairing1732000000000 } from './migrations/1732000000000-create-pairing';
import { PairingRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { Enterprise, Pairing, SocialOrganisation } from './pairing.entity';
import { CommunityPairingsResolver, EnterpriseResolver, PairingResolver, pairingReferenceResolvers, SocialOrganisationResolver } from './pairing.resolver';
import { pairingVisible, partnerProfile } from './pairing.rules';
import { seedPairing } from './seed';

export const pairingSubgraph: SubgraphDefinition = {
  name: 'pairing',
  entities: [SocialOrganisation, Enterprise, Pairing],
  migrations: [CreatePairing1732000000000, PairingRowLevelSecurity1732000001000],
  permissions: {
    Query: {
      pairing: rules.allow,
      myOrganisation: rules.partner,
      socialOrganisations: rules.allow,
      socialOrganisation: rules.allow,
      enterprises: rules.allow,
    },
    SocialOrganisation: { '*': partnerProfile },
    Enterprise: { '*': partnerProfile },
    Pairing: { '*': pairingVisible },
    Community: { code: rules.unitBreadcrumb, pairings: rules.unitFull },
  },
  seed: seedPairing,
  buildSchema: () =>
    buildFederatedSchema(
      { resolvers: [PairingResolver, SocialOrganisationResolver, EnterpriseResolver, CommunityPairingsResolver] },
      pairingReferenceResolvers,
    ),
};
