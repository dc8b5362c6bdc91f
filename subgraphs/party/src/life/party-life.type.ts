import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/* Party life: in-service members' reports to their communities (报到), "three meetings and one lesson" (三会一课), responsibility posts (党员责任岗). */

export enum ServiceReportStatus {
  REPORTED = 'REPORTED',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
}
registerEnumType(ServiceReportStatus, {
  name: 'ServiceReportStatus',
  description: 'Where an in-service member’s report to a community (报到) stands.',
  valuesConfig: {
    REPORTED: { description: 'Recorded by the community, waiting for its party secretary or staff to accept it.' },
    ACCEPTED: { description: 'Accepted: the member serves in the community and their service hours are logged.' },
    REJECTED: { description: 'Rejected (for example the member does not live there); the member may report again.' },
  },
});

export enum MeetingKind {
  BRANCH_MEMBERS_MEETING = 'BRANCH_MEMBERS_MEETING',
  BRANCH_COMMITTEE_MEETING = 'BRANCH_COMMITTEE_MEETING',
  GROUP_MEETING = 'GROUP_MEETING',
  PARTY_LESSON = 'PARTY_LESSON',
}
registerEnumType(MeetingKind, {
  name: 'MeetingKind',
  description: 'The "three meetings and one lesson" (三会一课).',
  valuesConfig: {
    BRANCH_MEMBERS_MEETING: { description: 'Branch members’ meeting (支部党员大会), usually monthly.' },
    BRANCH_COMMITTEE_MEETING: { description: 'Branch committee meeting (支部委员会).' },
    GROUP_MEETING: { description: 'Party group meeting (党小组会).' },
    PARTY_LESSON: { description: 'Party lesson (党课), usually quarterly.' },
  },
});

export enum ResponsibilityPostKind {
  PARTICIPATION = 'PARTICIPATION',
  OPINION_COLLECTION = 'OPINION_COLLECTION',
  CIVILITY_HYGIENE = 'CIVILITY_HYGIENE',
  PUBLIC_SECURITY = 'PUBLIC_SECURITY',
  PAIRED_ASSISTANCE = 'PAIRED_ASSISTANCE',
}
registerEnumType(ResponsibilityPostKind, {
  name: 'ResponsibilityPostKind',
  description: 'A party member’s responsibility post (党员责任岗).',
  valuesConfig: {
    PARTICIPATION: { description: 'Participation in deliberation (参政议事岗).' },
    OPINION_COLLECTION: { description: 'Collecting residents’ opinions (民意收集岗).' },
    CIVILITY_HYGIENE: { description: 'Civility and hygiene (文明卫生岗).' },
    PUBLIC_SECURITY: { description: 'Public security (社会治安岗).' },
    PAIRED_ASSISTANCE: { description: 'Paired assistance to people in need (结对帮扶岗).' },
  },
});

@Directive('@key(fields: "id")')
@ObjectType({ description: 'An in-service party member’s report (报到) to the community where they live, with the service hours they gave there.' })
export class ServiceReport {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => String, { description: '12-digit code of the community the member reported to.' }) communityCode: string;
  @Field(() => String, { description: 'Date of the report (YYYY-MM-DD).' }) reportedOn: string;
  @Field(() => ServiceReportStatus, { description: 'Reported, accepted or rejected.' }) status: ServiceReportStatus;
  @Field(() => String, { nullable: true, description: 'Who accepted or rejected it (token subject), once decided.' }) acceptedBy: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The day the member stopped serving this community (YYYY-MM-DD), or null while the report stands; after it the member may report elsewhere.',
  })
  endedOn: string | null;
  @Field(() => Float, { description: 'Total service hours logged in the community (kept in step with the service log).' }) serviceHours: number;
  @Field(() => Int, { description: 'Version, raised by every change (acceptance, rejection, logged hours).' }) version: number;
  memberId: string;
  path: string;
}

@ObjectType({ description: 'Service hours an in-service member gave in the community on one day.' })
export class ServiceLog {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => Float, { description: 'Hours served, 0.5 to 24.' }) hours: number;
  @Field(() => String, { description: 'Day served (YYYY-MM-DD).' }) servedOn: string;
  @Field(() => String, { nullable: true, description: 'What the member did.' }) note: string | null;
  @Field(() => String, { description: 'Who logged it (token subject).' }) recordedBy: string;
  reportId: string;
  path: string;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A meeting or lesson of a party organisation ("three meetings and one lesson", 三会一课), with attendance.' })
export class OrganisationMeeting {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => MeetingKind, { description: 'Which of the three meetings, or the lesson.' }) kind: MeetingKind;
  @Field(() => String, { description: 'Date held (YYYY-MM-DD).' }) heldOn: string;
  @Field(() => String, { description: 'Topic.' }) topic: string;
  @Field(() => String, { description: 'Who recorded it (token subject).' }) recordedBy: string;
  @Field(() => Int, { description: 'Members present.' }) presentCount: number;
  @Field(() => Int, { description: 'Members absent.' }) absentCount: number;
  organisationId: string;
  path: string;
}

@ObjectType({ description: 'Whether one member attended a meeting.' })
export class MeetingAttendance {
  @Field(() => Boolean, { description: 'True when the member was present.' }) present: boolean;
  memberId: string;
  meetingId: string;
  path: string;
}

@ObjectType({ description: 'How many meetings and lessons an organisation held in a year, by kind, with the attendance rate.' })
export class MeetingSummary {
  @Field(() => Int, { description: 'The calendar year.' }) year: number;
  @Field(() => Int, { description: 'Branch members’ meetings held.' }) branchMembersMeetings: number;
  @Field(() => Int, { description: 'Branch committee meetings held.' }) branchCommitteeMeetings: number;
  @Field(() => Int, { description: 'Party group meetings held.' }) groupMeetings: number;
  @Field(() => Int, { description: 'Party lessons held.' }) partyLessons: number;
  @Field(() => Int, { description: 'All meetings and lessons held.' }) total: number;
  @Field(() => Float, { nullable: true, description: 'Present / (present + absent) over the year’s meetings, 0 to 1; null when no attendance was recorded.' })
  attendanceRate: number | null;
}

@ObjectType({ description: 'A responsibility post (党员责任岗) a party member holds.' })
export class ResponsibilityPost {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => ResponsibilityPostKind, { description: 'The post.' }) post: ResponsibilityPostKind;
  @Field(() => String, { description: 'Held since (YYYY-MM-DD).' }) since: string;
  @Field(() => String, { description: 'Who assigned it (token subject).' }) assignedBy: string;
  memberId: string;
  path: string;
}

export const SERVICE_REPORT_COLUMNS = `id, member_id AS "memberId", community_code AS "communityCode", to_char(reported_on, 'YYYY-MM-DD') AS "reportedOn", status,
  accepted_by AS "acceptedBy", service_hours::float8 AS "serviceHours", version, to_char(ended_on, 'YYYY-MM-DD') AS "endedOn", path::text AS path`;
export const SERVICE_LOG_COLUMNS = `id, report_id AS "reportId", hours::float8 AS hours, to_char(served_on, 'YYYY-MM-DD') AS "servedOn", note, recorded_by AS "recordedBy", path::text AS path`;
/** Columns of a meeting row aliased `a`, with its attendance counts. */
export const meetingColumns = (
  a: string,
) => `${a}.id, ${a}.organisation_id AS "organisationId", ${a}.kind, to_char(${a}.held_on, 'YYYY-MM-DD') AS "heldOn", ${a}.topic,
  ${a}.recorded_by AS "recordedBy", ${a}.path::text AS path,
  (SELECT count(*) FROM party.meeting_attendance x WHERE x.meeting_id = ${a}.id AND x.present)::int AS "presentCount",
  (SELECT count(*) FROM party.meeting_attendance x WHERE x.meeting_id = ${a}.id AND NOT x.present)::int AS "absentCount"`;
export const POST_COLUMNS = `id, member_id AS "memberId", post, to_char(since, 'YYYY-MM-DD') AS since, assigned_by AS "assignedBy", path::text AS path`;
