import { defineFeature } from '@cgp/core';
import { Grid } from '../units/grid.type';
import { communityWorkFigures } from './community-work.figures';
import { CreateCommunityServices1732000021000 } from './migrations/1732000021000-create-community-services';
import {
  CommunityServicesResolver,
  communityServicesPermissions,
  ErrandResolver,
  errandPermissions,
  FacilityResolver,
  facilityPermissions,
  GridAgentsResolver,
  gridAgentsPermissions,
  JointMeetingResolver,
  jointMeetingPermissions,
  LivelihoodAgentResolver,
  livelihoodAgentPermissions,
  VolunteerTeamResolver,
  volunteerTeamPermissions,
} from './services.resolver';
import { seedCommunityServices } from './services.seed';

/** Community services: livelihood agents and their errands, volunteer teams and activities, four-party joint meetings, facilities; and the community-work figures. */
export const services = defineFeature({
  name: 'services',
  resolvers: [
    CommunityServicesResolver,
    GridAgentsResolver,
    LivelihoodAgentResolver,
    ErrandResolver,
    VolunteerTeamResolver,
    JointMeetingResolver,
    FacilityResolver,
  ],
  // The Grid stub is named only by the livelihood agents this feature adds to it.
  orphanedTypes: [Grid],
  permissions: [
    communityServicesPermissions,
    gridAgentsPermissions,
    livelihoodAgentPermissions,
    errandPermissions,
    volunteerTeamPermissions,
    jointMeetingPermissions,
    facilityPermissions,
  ],
  migrations: [CreateCommunityServices1732000021000],
  seed: seedCommunityServices,
  // The dashboard's community work: these services, with the wishes and the must-visits and visits of the other features.
  figures: [communityWorkFigures],
});
