import { defineFeature } from '@cgp/core';
import { CreatePartyLife1732000010000 } from './migrations/1732000010000-create-party-life';
import { organisationMeetingReference } from './organisation-meeting.reference';
import { partyFigures, partyFiguresPermissions } from './party.figures';
import {
  CommunityServiceReportsResolver,
  communityServiceReportsPermissions,
  MeetingAttendanceResolver,
  meetingAttendancePermissions,
  OrganisationMeetingResolver,
  organisationMeetingPermissions,
  PartyMemberLifeResolver,
  partyMemberLifePermissions,
  PartyOrganisationLifeResolver,
  partyOrganisationLifePermissions,
  ResponsibilityPostResolver,
  responsibilityPostPermissions,
  ServiceReportResolver,
  serviceReportPermissions,
} from './party-life.resolver';
import { seedPartyLife } from './party-life.seed';
import { serviceReportFigures } from './service-report.figures';
import { serviceReportReference } from './service-report.reference';

/**
 * Party life: in-service members' reports to the communities where they live (报到) with their service
 * hours, "three meetings and one lesson" (三会一课) with attendance, responsibility posts (党员责任岗);
 * each unit's report counts and the party's dashboard figures.
 */
export const life = defineFeature({
  name: 'life',
  resolvers: [
    ServiceReportResolver,
    OrganisationMeetingResolver,
    MeetingAttendanceResolver,
    ResponsibilityPostResolver,
    PartyMemberLifeResolver,
    PartyOrganisationLifeResolver,
    CommunityServiceReportsResolver,
  ],
  permissions: [
    serviceReportPermissions,
    organisationMeetingPermissions,
    meetingAttendancePermissions,
    responsibilityPostPermissions,
    partyMemberLifePermissions,
    partyOrganisationLifePermissions,
    communityServiceReportsPermissions,
    partyFiguresPermissions,
  ],
  references: { ...serviceReportReference, ...organisationMeetingReference },
  migrations: [CreatePartyLife1732000010000],
  seed: seedPartyLife,
  figures: [serviceReportFigures, partyFigures],
});
