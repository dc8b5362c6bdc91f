import { defineFeature } from '@cgp/core';
import {
  CommunityPartnerActivitiesResolver,
  communityPartnerActivitiesPermissions,
  EnterpriseActivityResolver,
  enterpriseActivityPermissions,
  PairingActivitiesResolver,
  pairingActivitiesPermissions,
  PartnerActivityResolver,
  partnerActivityPermissions,
  SocialOrganisationActivityResolver,
  socialOrganisationActivityPermissions,
} from './activity.resolver';
import { activityReference } from './activity.reference';
import { seedActivities } from './activity.seed';
import { CreateServiceActivity1732000010000 } from './migrations/1732000010000-create-service-activity';

/** Partners' service activities under their pairings: recorded by partners or community staff, listed and summed; ending a pairing. */
export const activities = defineFeature({
  name: 'activities',
  resolvers: [
    PartnerActivityResolver,
    PairingActivitiesResolver,
    SocialOrganisationActivityResolver,
    EnterpriseActivityResolver,
    CommunityPartnerActivitiesResolver,
  ],
  permissions: [
    partnerActivityPermissions,
    pairingActivitiesPermissions,
    socialOrganisationActivityPermissions,
    enterpriseActivityPermissions,
    communityPartnerActivitiesPermissions,
  ],
  references: activityReference,
  migrations: [CreateServiceActivity1732000010000],
  seed: seedActivities,
});
