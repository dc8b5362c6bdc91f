import { Arg, Args, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, connectionType, PageArgs, rules, Tier, type ConnectionData, type Permissions, type RequestContext, type UnitStub } from '@cgp/core';
import { OrganisationService } from '../organisations/organisation.service';
import { PartyMember } from '../organisations/party-member.type';
import { PartyOrganisation } from '../organisations/party-organisation.type';
import { unitTypes } from '../organisations/unit.union';
import { AssignPostArgs, LogServiceHoursArgs, RecordMeetingInput, ReportToCommunityArgs } from './party-life.input';
import { staffRecord } from './party-life.rules';
import { PartyLifeService } from './party-life.service';
import { MeetingAttendance, MeetingSummary, OrganisationMeeting, ResponsibilityPost, ServiceLog, ServiceReport, ServiceReportStatus } from './party-life.type';

const Community = unitTypes.classes[Tier.COMMUNITY];

export const ServiceReportConnection = connectionType(ServiceReport, 'ServiceReport', 'A page of in-service members’ reports, newest first.');
export const OrganisationMeetingConnection = connectionType(OrganisationMeeting, 'OrganisationMeeting', 'A page of meetings and lessons, newest first.');

@Resolver(() => ServiceReport)
export class ServiceReportResolver {
  @Query(() => ServiceReport, { nullable: true, description: 'An in-service member’s report to a community in your subtree, or null.' })
  serviceReport(@Arg('id', () => ID, { description: 'Its id.' }) id: string, @Ctx() ctx: RequestContext): Promise<ServiceReport | null> {
    return PartyLifeService.serviceReport(ctx, id);
  }

  @Mutation(() => ServiceReport, {
    description:
      'Records that an in-service party member reported (报到) to the community where they live (STAFF or PARTY_SECRETARY of that community). A member has one live report at a time.',
  })
  reportToCommunity(@Args(() => ReportToCommunityArgs) args: ReportToCommunityArgs, @Ctx() ctx: RequestContext): Promise<ServiceReport> {
    return PartyLifeService.reportToCommunity(ctx, args);
  }

  @Mutation(() => ServiceReport, {
    description: 'Accepts a waiting report (PARTY_SECRETARY or STAFF of its community). Of two concurrent decisions exactly one wins; the other gets CONFLICT.',
  })
  acceptServiceReport(
    @Arg('id', () => ID, { description: 'The report.' }) id: string,
    @Ctx() ctx: RequestContext,
    @Arg('version', () => Int, { nullable: true, description: 'The version you last saw, if any: a report changed since is refused with CONFLICT.' })
    version?: number,
  ): Promise<ServiceReport> {
    return PartyLifeService.decideServiceReport(ctx, id, ServiceReportStatus.ACCEPTED, version);
  }

  @Mutation(() => ServiceReport, { description: 'Rejects a waiting report (PARTY_SECRETARY or STAFF of its community); the member may report again.' })
  rejectServiceReport(
    @Arg('id', () => ID, { description: 'The report.' }) id: string,
    @Ctx() ctx: RequestContext,
    @Arg('version', () => Int, { nullable: true, description: 'The version you last saw, if any: a report changed since is refused with CONFLICT.' })
    version?: number,
  ): Promise<ServiceReport> {
    return PartyLifeService.decideServiceReport(ctx, id, ServiceReportStatus.REJECTED, version);
  }

  @Mutation(() => ServiceReport, {
    description: 'Logs hours an in-service member served in the community on an accepted report (community STAFF); the report’s total grows with it.',
  })
  logServiceHours(@Args(() => LogServiceHoursArgs) args: LogServiceHoursArgs, @Ctx() ctx: RequestContext): Promise<ServiceReport> {
    return PartyLifeService.logServiceHours(ctx, args);
  }

  @FieldResolver(() => PartyMember, { nullable: true, description: 'The in-service member; null when their record lies outside your subtree.' })
  member(@Root() r: ServiceReport, @Ctx() ctx: RequestContext): Promise<PartyMember | null> {
    return OrganisationService.member(ctx, r.memberId);
  }

  @FieldResolver(() => Community, { description: 'The community the member reported to.' })
  community(@Root() r: ServiceReport): UnitStub {
    return { code: r.communityCode };
  }

  @FieldResolver(() => [ServiceLog], { description: 'Hours logged on this report, newest first.' })
  logs(@Root() r: ServiceReport, @Ctx() ctx: RequestContext): Promise<ServiceLog[]> {
    return PartyLifeService.serviceLogs(ctx, r.id);
  }
}

export const serviceReportPermissions: Permissions = {
  Query: { serviceReport: rules.unitStaff },
  // Every change is made by unit staff; the service checks the role and the community of each report.
  Mutation: {
    reportToCommunity: rules.unitStaff,
    acceptServiceReport: rules.unitStaff,
    rejectServiceReport: rules.unitStaff,
    logServiceHours: rules.unitStaff,
  },
  ServiceReport: { '*': staffRecord },
  ServiceLog: { '*': staffRecord },
};

@Resolver(() => OrganisationMeeting)
export class OrganisationMeetingResolver {
  @Query(() => OrganisationMeeting, { nullable: true, description: 'A meeting or lesson of a party organisation in your subtree, or null.' })
  organisationMeeting(@Arg('id', () => ID, { description: 'Its id.' }) id: string, @Ctx() ctx: RequestContext): Promise<OrganisationMeeting | null> {
    return PartyLifeService.meeting(ctx, id);
  }

  @Mutation(() => OrganisationMeeting, {
    description:
      'Records a meeting or lesson ("three meetings and one lesson", 三会一课) with attendance (PARTY_SECRETARY or STAFF whose unit contains the organisation). Every member listed must belong to the organisation or one of its groups.',
  })
  recordMeeting(
    @Arg('input', () => RecordMeetingInput, { description: 'The meeting and who attended.' }) input: RecordMeetingInput,
    @Ctx() ctx: RequestContext,
  ): Promise<OrganisationMeeting> {
    return PartyLifeService.recordMeeting(ctx, input);
  }

  @FieldResolver(() => PartyOrganisation, { description: 'The organisation that held it.' })
  async organisation(@Root() m: OrganisationMeeting, @Ctx() ctx: RequestContext): Promise<PartyOrganisation> {
    return (await OrganisationService.organisation(ctx, m.organisationId)) as PartyOrganisation;
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Share of listed members who were present, 0 to 1; null when no attendance was recorded.' })
  attendanceRate(@Root() m: OrganisationMeeting): number | null {
    const listed = m.presentCount + m.absentCount;
    return listed ? Math.round((m.presentCount / listed) * 10000) / 10000 : null;
  }

  @FieldResolver(() => [MeetingAttendance], { description: 'Each listed member and whether they were present, present first.' })
  attendance(@Root() m: OrganisationMeeting, @Ctx() ctx: RequestContext): Promise<MeetingAttendance[]> {
    return PartyLifeService.attendance(ctx, m.id);
  }
}

export const organisationMeetingPermissions: Permissions = {
  Query: { organisationMeeting: rules.unitStaff },
  // The service checks the role and that the organisation is in the caller's unit.
  Mutation: { recordMeeting: rules.unitStaff },
  OrganisationMeeting: { '*': staffRecord },
};

@Resolver(() => MeetingAttendance)
export class MeetingAttendanceResolver {
  @FieldResolver(() => PartyMember, { nullable: true, description: 'The member; null when their record lies outside your subtree.' })
  member(@Root() a: MeetingAttendance, @Ctx() ctx: RequestContext): Promise<PartyMember | null> {
    return OrganisationService.member(ctx, a.memberId);
  }
}

export const meetingAttendancePermissions: Permissions = {
  MeetingAttendance: { '*': staffRecord },
};

@Resolver(() => ResponsibilityPost)
export class ResponsibilityPostResolver {
  @Mutation(() => ResponsibilityPost, {
    description: 'Assigns a responsibility post (党员责任岗) to a party member in your unit (PARTY_SECRETARY or STAFF). A member holds each post once.',
  })
  assignPost(@Args(() => AssignPostArgs) args: AssignPostArgs, @Ctx() ctx: RequestContext): Promise<ResponsibilityPost> {
    return PartyLifeService.assignPost(ctx, args);
  }

  @FieldResolver(() => PartyMember, { nullable: true, description: 'The member holding the post.' })
  member(@Root() p: ResponsibilityPost, @Ctx() ctx: RequestContext): Promise<PartyMember | null> {
    return OrganisationService.member(ctx, p.memberId);
  }
}

export const responsibilityPostPermissions: Permissions = {
  // The service checks the role and that the member is in the caller's unit.
  Mutation: { assignPost: rules.unitStaff },
  ResponsibilityPost: { '*': staffRecord },
};

@Resolver(() => PartyMember)
export class PartyMemberLifeResolver {
  @FieldResolver(() => [ServiceReport], { description: 'The member’s reports to communities (in-service members), newest first.' })
  serviceReports(@Root() m: PartyMember, @Ctx() ctx: RequestContext): Promise<ServiceReport[]> {
    return PartyLifeService.reportsOfMember(ctx, m.id);
  }

  @FieldResolver(() => [ResponsibilityPost], { description: 'The responsibility posts the member holds.' })
  posts(@Root() m: PartyMember, @Ctx() ctx: RequestContext): Promise<ResponsibilityPost[]> {
    return PartyLifeService.postsOfMember(ctx, m.id);
  }
}

export const partyMemberLifePermissions: Permissions = {
  PartyMember: { serviceReports: rules.recordInScope, posts: rules.recordInScope },
};

@Resolver(() => PartyOrganisation)
export class PartyOrganisationLifeResolver {
  @FieldResolver(() => OrganisationMeetingConnection, { description: 'The organisation’s meetings and lessons (三会一课), newest first, with attendance.' })
  meetings(@Root() org: PartyOrganisation, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<OrganisationMeeting>> {
    return PartyLifeService.meetings(ctx, org.id, args);
  }

  @FieldResolver(() => MeetingSummary, { description: 'Meetings and lessons held in a calendar year, by kind, with the attendance rate.' })
  meetingSummary(
    @Root() org: PartyOrganisation,
    @Arg('year', () => Int, { description: 'Calendar year, e.g. 2026.' }) year: number,
    @Ctx() ctx: RequestContext,
  ): Promise<MeetingSummary> {
    if (!Number.isInteger(year) || year < 1921 || year > 2200) throw badInput(`year must be a calendar year; got ${year}`, 'year');
    return PartyLifeService.meetingSummary(ctx, org.id, year);
  }
}

export const partyOrganisationLifePermissions: Permissions = {
  PartyOrganisation: { meetings: rules.recordInScope, meetingSummary: rules.recordInScope },
  MeetingSummary: { '*': rules.allow },
};

@Resolver(() => Community)
export class CommunityServiceReportsResolver {
  @FieldResolver(() => ServiceReportConnection, { description: 'In-service members’ reports (报到) to this community, newest first.' })
  serviceReports(
    @Root() c: UnitStub,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: RequestContext,
    @Arg('status', () => ServiceReportStatus, { nullable: true, description: 'Only reports in this status.' }) status?: ServiceReportStatus,
  ): Promise<ConnectionData<ServiceReport>> {
    return PartyLifeService.reportsOfCommunity(ctx, c.code, status, args);
  }
}

export const communityServiceReportsPermissions: Permissions = {
  Community: { serviceReports: rules.unitFull },
};
