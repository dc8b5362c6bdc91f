import 'reflect-metadata';
import { buildFederatedSchema, rules, type SubgraphDefinition } from '@cgp/core';
import { CreatePairing1732000000000 } from './migrations/1732000000000-create-pairing';
import { PairingRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { CreateServiceActivity1732000010000 } from './migrations/1732000010000-create-service-activity';
import { CommunityPairingsResolver, EnterpriseResolver, PairingResolver, pairingReferenceResolvers, SocialOrganisationResolver } from './pairing.resolver';
import { pairedCommunityFigures, pairingVisible, partnerProfile } from './pairing.rules';
import { pairingStatisticsResolvers, unitStubTypes } from './pairing-statistics';
import {
  activityReferenceResolvers, CommunityPartnerActivitiesResolver, EnterpriseActivityResolver, PairingActivitiesResolver, PartnerActivityResolver,
  SocialOrganisationActivityResolver,
} from './activity.resolver';
import { activityVisible } from './activity.rules';
import { seedPairing } from './seed';
import { CreatePartnerApiKey1732000080000 } from './migrations/1732000080000-create-partner-api-key';
import { PartnerApiKeyResolver } from './api-key.resolver';
import { apiKeyVisible, districtStaff } from './api-key.rules';
import { partnerKeyRoutes } from './api-key.routes';

export * from './api-key.secret';
export type { PartnerKeyPrincipal } from './api-key.routes';

export const pairingSubgraph: SubgraphDefinition = {
  name: 'pairing',
  migrations: [CreatePairing1732000000000, PairingRowLevelSecurity1732000001000, CreateServiceActivity1732000010000, CreatePartnerApiKey1732000080000],
  permissions: {
    Query: {
      pairing: rules.allow,
      myOrganisation: rules.partner,
      socialOrganisations: rules.allow,
      socialOrganisation: rules.allow,
      enterprises: rules.allow,
      partnerActivity: rules.allow,
      partnerActivitySummary: rules.allow,
      partnerApiKeys: districtStaff,
    },
    // Partners and community staff record activities (the service checks whose pairing it is); only staff end pairings.
    Mutation: { recordPartnerActivity: rules.allow, endPairing: rules.unitStaff, createPartnerApiKey: districtStaff, revokePartnerApiKey: districtStaff },
    // Partner API keys: district STAFF of the issuing district only; the key itself appears once, in CreatedPartnerApiKey.
    PartnerApiKey: { '*': apiKeyVisible },
    CreatedPartnerApiKey: { '*': rules.allow },
    SocialOrganisation: { '*': partnerProfile },
    Enterprise: { '*': partnerProfile },
    Pairing: { '*': pairingVisible },
    PartnerActivity: { '*': activityVisible },
    PartnerActivitySummary: { '*': rules.allow },
    PartnerActivityKindCount: { '*': rules.allow },
    PairingStatistics: { '*': rules.allow },
    MonthlyPairingCount: { '*': rules.allow },
    RankedPairingUnit: { '*': rules.allow },
    District: { code: rules.unitBreadcrumb, pairingStatistics: rules.unitFull, pairingTrend: rules.unitFull, pairingRanking: rules.unitFull },
    Street: { code: rules.unitBreadcrumb, pairingStatistics: rules.unitFull, pairingTrend: rules.unitFull, pairingRanking: rules.unitFull },
    Community: {
      code: rules.unitBreadcrumb, pairings: rules.unitFull, partnerActivities: rules.unitFull,
      // Partners read the figures of their own paired communities (their own pairings and activities there).
      pairingStatistics: pairedCommunityFigures, pairingTrend: pairedCommunityFigures,
    },
    Grid: { code: rules.unitBreadcrumb },
    Building: { code: rules.unitBreadcrumb },
  },
  seed: seedPairing,
  // The gateway's partner-key checks (API keys used directly, tokens exchanged for them).
  routes: partnerKeyRoutes,
  buildSchema: () =>
    buildFederatedSchema(
      {
        resolvers: [
          PairingResolver, SocialOrganisationResolver, EnterpriseResolver, CommunityPairingsResolver,
          PartnerActivityResolver, PairingActivitiesResolver, SocialOrganisationActivityResolver, EnterpriseActivityResolver, CommunityPartnerActivitiesResolver,
          ...pairingStatisticsResolvers,
          PartnerApiKeyResolver,
        ],
        orphanedTypes: unitStubTypes,
      },
      { ...pairingReferenceResolvers, ...activityReferenceResolvers },
    ),
};
