import 'reflect-metadata';
import { and } from 'graphql-shield';
import { buildFederatedSchema, personalDataReadsResolver, rules, Role, type SubgraphDefinition } from '@cgp/core';
import { CreateParty1732000000000 } from './migrations/1732000000000-create-party';
import { PartyRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { CreatePartyLife1732000010000 } from './migrations/1732000010000-create-party-life';
import { PartyMemberResolver, PartyOrganisationResolver, partyReferenceResolvers, unitPartyResolvers } from './party.resolver';
import {
  CommunityServiceReportsResolver, MeetingAttendanceResolver, OrganisationMeetingResolver, PartyMemberLifeResolver, PartyOrganisationLifeResolver,
  partyLifeReferenceResolvers, ResponsibilityPostResolver, ServiceReportResolver, unitReportCountsResolvers,
} from './party-life.resolver';
import { partyStatisticsResolvers } from './party-statistics';
import { seedParty } from './seed';
import { Building, Community, District, Grid, Street } from './unit.stubs';
import { partyRegistry } from './registry';

const unitStub = {
  code: rules.unitBreadcrumb, partyOrganisations: rules.unitFull, partyMembers: rules.unitFull,
  partyStatistics: rules.unitFull, partyTrend: rules.unitFull, partyRanking: rules.unitFull,
};
const withReportCounts = { ...unitStub, serviceReportCounts: rules.unitFull };

export const partySubgraph: SubgraphDefinition = {
  name: 'party',
  migrations: [CreateParty1732000000000, PartyRowLevelSecurity1732000001000, CreatePartyLife1732000010000, ...partyRegistry.migrations],
  permissions: {
    Query: {
      partyOrganisation: rules.unitStaff,
      partyMember: rules.unitStaff,
      partyPersonalDataReads: rules.hasRole(Role.AUDITOR),
      serviceReport: rules.unitStaff,
      organisationMeeting: rules.unitStaff,
    },
    // Every change is made by unit staff; the services check the role and the unit of each record.
    Mutation: { '*': rules.unitStaff },
    PartyOrganisation: { '*': rules.recordInScope },
    PartyMember: { '*': rules.recordInScope },
    PartyMemberCounts: { '*': rules.allow },
    PersonalDataRead: { '*': rules.allow },
    ...partyRegistry.permissions,
    ServiceReport: { '*': and(rules.unitStaff, rules.recordInScope) },
    ServiceLog: { '*': and(rules.unitStaff, rules.recordInScope) },
    ServiceReportCounts: { '*': rules.allow },
    OrganisationMeeting: { '*': and(rules.unitStaff, rules.recordInScope) },
    MeetingAttendance: { '*': and(rules.unitStaff, rules.recordInScope) },
    MeetingSummary: { '*': rules.allow },
    ResponsibilityPost: { '*': and(rules.unitStaff, rules.recordInScope) },
    PartyStatistics: { '*': rules.allow },
    PartyOrganisationKindCount: { '*': rules.allow },
    MonthlyPartyCount: { '*': rules.allow },
    RankedPartyUnit: { '*': rules.allow },
    District: withReportCounts,
    Street: withReportCounts,
    Community: { ...withReportCounts, serviceReports: rules.unitFull },
    Grid: unitStub,
    Building: unitStub,
  },
  seed: seedParty,
  buildSchema: () =>
    buildFederatedSchema(
      {
        resolvers: [
          PartyOrganisationResolver, PartyMemberResolver, personalDataReadsResolver('party', 'partyPersonalDataReads', 'Party'), ...unitPartyResolvers,
          ServiceReportResolver, OrganisationMeetingResolver, MeetingAttendanceResolver, ResponsibilityPostResolver, PartyMemberLifeResolver,
          PartyOrganisationLifeResolver, CommunityServiceReportsResolver, ...unitReportCountsResolvers, ...partyStatisticsResolvers, ...partyRegistry.resolvers,
        ],
        orphanedTypes: [District, Street, Community, Grid, Building],
      },
      { ...partyReferenceResolvers, ...partyLifeReferenceResolvers },
    ),
};
