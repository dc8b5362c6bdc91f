import { rules } from '@cgp/core';
import { CreateCommunityServices1732000021000 } from '../migrations/1732000021000-create-community-services';
import {
  CommunityServicesResolver, ErrandResolver, FacilityResolver, GridAgentsResolver, JointMeetingResolver, LivelihoodAgentResolver, VolunteerTeamResolver,
} from './services.resolver';
import { seedCommunityServices } from './services.seed';

const allInScope = { '*': rules.recordInScope };

/** Livelihood errands, volunteer teams, joint meetings and facilities, as one piece of the community subgraph. */
export const communityServices = {
  resolvers: [CommunityServicesResolver, GridAgentsResolver, LivelihoodAgentResolver, ErrandResolver, VolunteerTeamResolver, JointMeetingResolver, FacilityResolver] as const,
  orphanedTypes: [],
  migrations: [CreateCommunityServices1732000021000],
  referenceResolvers: {},
  seed: seedCommunityServices,
  permissions: {
    Query: { agentErrandCounts: rules.codeArgInScope, errandCounts: rules.codeArgInScope },
    Mutation: {
      registerLivelihoodAgent: rules.unitStaff, recordErrand: rules.unitStaff, completeErrand: rules.unitStaff, createVolunteerTeam: rules.unitStaff,
      recordVolunteerActivity: rules.unitStaff, recordJointMeeting: rules.unitStaff, followUpResolution: rules.unitStaff, recordFacility: rules.unitStaff,
    },
    Grid: { code: rules.unitBreadcrumb, livelihoodAgents: rules.unitFull },
    LivelihoodAgent: allInScope,
    Errand: allInScope,
    ErrandCounts: { '*': rules.allow },
    AgentErrandCounts: { '*': rules.allow },
    VolunteerTeam: allInScope,
    VolunteerActivity: allInScope,
    JointMeeting: allInScope,
    Resolution: allInScope,
    Facility: allInScope,
  },
};
