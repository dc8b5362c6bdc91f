import {
  Access,
  accessToPath,
  badInput,
  CallerKind,
  chinaToday as today,
  conflict,
  datedConnection,
  forbidden,
  groupRows,
  isUniqueViolation,
  pathOfCode,
  Role,
  rowsByKey,
  type ConnectionData,
  type PageArgs,
  type RequestContext,
  uuidIn,
  uuidIs,
} from '@cgp/core';
import { PARTY_MEMBER_COLUMNS, PartyMemberKind, type PartyMember } from '../organisations/party-member.type';
import { PARTY_ORGANISATION_COLUMNS, PartyOrganisationKind, type PartyOrganisation } from '../organisations/party-organisation.type';
import type { AssignPostArgs, LogServiceHoursArgs, RecordMeetingInput, ReportToCommunityArgs } from './party-life.input';
import {
  meetingColumns,
  MeetingKind,
  POST_COLUMNS,
  SERVICE_LOG_COLUMNS,
  SERVICE_REPORT_COLUMNS,
  ServiceReportStatus,
  type MeetingAttendance,
  type MeetingSummary,
  type OrganisationMeeting,
  type ResponsibilityPost,
  type ServiceLog,
  type ServiceReport,
} from './party-life.type';

/** The role the caller acts in as staff of exactly this community, or null. */
function communityRole(ctx: RequestContext, communityCode: string, roles: Role[]): Role | null {
  const { identity } = ctx;
  if (identity.kind !== CallerKind.COMMUNITY || identity.unit !== communityCode) return null;
  return roles.find((r) => identity.roles.includes(r)) ?? null;
}

function notInFuture(date: string, field: string): void {
  if (date > today()) throw badInput(`${field} ${date} is in the future: record what already happened (today is ${today()})`, field);
}

async function freshMember(ctx: RequestContext, id: string): Promise<PartyMember | null> {
  const [row] = await ctx.query<PartyMember>(`SELECT ${PARTY_MEMBER_COLUMNS} FROM party.party_member WHERE ${uuidIs('id', '$1')}`, [id]);
  return row ?? null;
}

async function freshReport(ctx: RequestContext, id: string): Promise<ServiceReport | null> {
  const [row] = await ctx.query<ServiceReport>(`SELECT ${SERVICE_REPORT_COLUMNS} FROM party.service_report WHERE ${uuidIs('id', '$1')}`, [id]);
  return row ?? null;
}

const SECRETARY_OR_STAFF = [Role.PARTY_SECRETARY, Role.STAFF];

/** Party life: in-service members' reports (报到), "three meetings and one lesson" (三会一课) and responsibility posts. */
export const PartyLifeService = {
  /* ---------- in-service members reporting to their communities ---------- */

  serviceReport(ctx: RequestContext, id: string): Promise<ServiceReport | null> {
    return rowsByKey<ServiceReport>(
      ctx,
      'partyLife.reportById',
      `SELECT ${SERVICE_REPORT_COLUMNS} FROM party.service_report WHERE ${uuidIn('id', '$1')}`,
      (r) => r.id,
    ).load(id);
  },

  async reportToCommunity(ctx: RequestContext, args: ReportToCommunityArgs): Promise<ServiceReport> {
    if (!communityRole(ctx, args.communityCode, SECRETARY_OR_STAFF)) {
      throw forbidden(`Only STAFF or the PARTY_SECRETARY of community ${args.communityCode} can record a report to it`);
    }
    notInFuture(args.reportedOn, 'reportedOn');
    const member = await freshMember(ctx, args.memberId);
    if (!member) throw badInput(`No party member ${args.memberId} in community ${args.communityCode}`, 'memberId');
    if (member.kind !== PartyMemberKind.IN_SERVICE) {
      throw badInput(`Only in-service members (IN_SERVICE) report to the community where they live; member ${member.id} is ${member.kind}`, 'memberId');
    }
    const [live] = await ctx.query<{ status: string; communityCode: string }>(
      `SELECT status, community_code AS "communityCode" FROM party.service_report WHERE ${uuidIs('member_id', '$1')} AND status <> 'REJECTED' AND ended_on IS NULL`,
      [member.id],
    );
    if (live) throw conflict(`Member ${member.id} has already reported to community ${live.communityCode} (${live.status})`);
    try {
      const [created] = await ctx.query<ServiceReport>(
        `INSERT INTO party.service_report (member_id, community_code, path, reported_on, recorded_by)
         VALUES ($1, $2, $3::ltree, $4::date, $5) RETURNING ${SERVICE_REPORT_COLUMNS}`,
        [member.id, args.communityCode, pathOfCode(args.communityCode), args.reportedOn, ctx.identity.sub],
      );
      return created;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`Member ${member.id} reported at the same moment in another request: reload and check`);
      throw error;
    }
  },

  /** Accepts or rejects a waiting report; of two concurrent decisions exactly one wins, the other gets CONFLICT. */
  async decideServiceReport(
    ctx: RequestContext,
    id: string,
    status: ServiceReportStatus.ACCEPTED | ServiceReportStatus.REJECTED,
    version?: number | null,
  ): Promise<ServiceReport> {
    const verb = status === ServiceReportStatus.ACCEPTED ? 'accept' : 'reject';
    const report = await freshReport(ctx, id);
    if (!report) throw forbidden(`You cannot ${verb} service report ${id}: there is no such report in your community`);
    if (!communityRole(ctx, report.communityCode, SECRETARY_OR_STAFF)) {
      throw forbidden(`Only STAFF or the PARTY_SECRETARY of community ${report.communityCode} can ${verb} its service reports`);
    }
    if (version != null && version !== report.version) {
      throw conflict(`The report was changed since you loaded it (now ${report.status}, version ${report.version}): reload it and try again`);
    }
    if (report.status !== ServiceReportStatus.REPORTED) {
      throw conflict(`The report was already ${report.status.toLowerCase()}${report.acceptedBy ? ` by ${report.acceptedBy}` : ''}: reload it`);
    }
    const [updated] = await ctx.query<ServiceReport>(
      `UPDATE party.service_report SET status = $2, accepted_by = $3, decided_at = now(), version = version + 1
        WHERE ${uuidIs('id', '$1')} AND status = 'REPORTED' AND version = $4 RETURNING ${SERVICE_REPORT_COLUMNS}`,
      [id, status, ctx.identity.sub, report.version],
    );
    if (!updated) {
      const now = await freshReport(ctx, id);
      throw conflict(`Someone else decided the report at the same moment (now ${now?.status}${now?.acceptedBy ? ` by ${now.acceptedBy}` : ''}): reload it`);
    }
    return updated;
  },

  async logServiceHours(ctx: RequestContext, args: LogServiceHoursArgs): Promise<ServiceReport> {
    const report = await freshReport(ctx, args.reportId);
    if (!report) throw forbidden(`You cannot log hours on service report ${args.reportId}: there is no such report in your community`);
    if (!communityRole(ctx, report.communityCode, [Role.STAFF])) throw forbidden(`Only STAFF of community ${report.communityCode} can log service hours there`);
    if (!Number.isInteger(args.hours * 2)) throw badInput(`hours must be a multiple of 0.5; got ${args.hours}`, 'hours');
    if (report.status !== ServiceReportStatus.ACCEPTED)
      throw badInput(`Hours are logged on accepted reports only; this report is ${report.status}`, 'reportId');
    notInFuture(args.servedOn, 'servedOn');
    if (args.servedOn < report.reportedOn) throw badInput(`servedOn ${args.servedOn} is before the member reported (${report.reportedOn})`, 'servedOn');
    await ctx.query(`INSERT INTO party.service_log (report_id, hours, served_on, note, recorded_by, path) VALUES ($1, $2, $3::date, $4, $5, $6::ltree)`, [
      report.id,
      args.hours,
      args.servedOn,
      args.note ?? null,
      ctx.identity.sub,
      report.path,
    ]);
    const [updated] = await ctx.query<ServiceReport>(
      `UPDATE party.service_report SET service_hours = service_hours + $2, version = version + 1 WHERE id = $1 AND status = 'ACCEPTED' RETURNING ${SERVICE_REPORT_COLUMNS}`,
      [report.id, args.hours],
    );
    if (!updated) throw conflict('The report was changed at the same moment: reload it and try again');
    return updated;
  },

  serviceLogs(ctx: RequestContext, reportId: string): Promise<ServiceLog[]> {
    return ctx
      .loader<string, ServiceLog[]>('partyLife.logs', async (ids) => {
        const rows = await ctx.query<ServiceLog>(
          `SELECT ${SERVICE_LOG_COLUMNS} FROM party.service_log WHERE ${uuidIn('report_id', '$1')} ORDER BY served_on DESC, id`,
          [ids],
        );
        return groupRows(ids, rows, (r) => r.reportId);
      })
      .load(reportId);
  },

  reportsOfMember(ctx: RequestContext, memberId: string): Promise<ServiceReport[]> {
    return ctx
      .loader<string, ServiceReport[]>('partyLife.reportsOfMember', async (ids) => {
        const rows = await ctx.query<ServiceReport>(
          `SELECT ${SERVICE_REPORT_COLUMNS} FROM party.service_report WHERE ${uuidIn('member_id', '$1')} AND path <@ $2::ltree ORDER BY reported_on DESC, id`,
          [ids, ctx.scope],
        );
        return groupRows(ids, rows, (r) => r.memberId);
      })
      .load(memberId);
  },

  reportsOfCommunity(
    ctx: RequestContext,
    communityCode: string,
    status: ServiceReportStatus | null | undefined,
    args: PageArgs,
  ): Promise<ConnectionData<ServiceReport>> {
    return datedConnection<ServiceReport>(
      ctx,
      {
        name: `partyLife.reportsOfCommunity:${status ?? ''}`,
        from: 'party.service_report t',
        columns: SERVICE_REPORT_COLUMNS,
        parent: 't.community_code',
        date: 't.reported_on',
        where: `t.path <@ $4::ltree AND ($5::text IS NULL OR t.status = $5)`,
        params: [ctx.scope, status ?? null],
      },
      communityCode,
      args,
      (r) => r.reportedOn,
    );
  },

  /* ---------- three meetings and one lesson ---------- */

  meeting(ctx: RequestContext, id: string): Promise<OrganisationMeeting | null> {
    return rowsByKey<OrganisationMeeting>(
      ctx,
      'partyLife.meetingById',
      `SELECT ${meetingColumns('m')} FROM party.organisation_meeting m WHERE ${uuidIn('m.id', '$1')}`,
      (r) => r.id,
    ).load(id);
  },

  async recordMeeting(ctx: RequestContext, input: RecordMeetingInput): Promise<OrganisationMeeting> {
    const [org] = await ctx.query<PartyOrganisation>(`SELECT ${PARTY_ORGANISATION_COLUMNS} FROM party.party_organisation WHERE ${uuidIs('id', '$1')}`, [
      input.organisationId,
    ]);
    if (!org || accessToPath(ctx.identity, org.path) !== Access.FULL) {
      throw forbidden(`You cannot record meetings of party organisation ${input.organisationId}: it is not in your unit`);
    }
    if (!SECRETARY_OR_STAFF.some((r) => ctx.identity.roles.includes(r))) throw forbidden('Only a PARTY_SECRETARY or STAFF can record meetings');
    notInFuture(input.heldOn, 'heldOn');
    if (
      org.kind === PartyOrganisationKind.GROUP &&
      (input.kind === MeetingKind.BRANCH_MEMBERS_MEETING || input.kind === MeetingKind.BRANCH_COMMITTEE_MEETING)
    ) {
      throw badInput(`A building party group holds group meetings and lessons, not ${input.kind}`, 'kind');
    }
    const present = [...new Set(input.presentMemberIds)];
    const absent = [...new Set(input.absentMemberIds)];
    if (present.length !== input.presentMemberIds.length || absent.length !== input.absentMemberIds.length) {
      throw badInput('A member is listed twice: list each member once', 'presentMemberIds');
    }
    const both = present.filter((id) => absent.includes(id));
    if (both.length) throw badInput(`Members listed as both present and absent: ${both.join(', ')}`, 'absentMemberIds');
    if (!present.length) throw badInput('A meeting needs at least one member present', 'presentMemberIds');
    const all = [...present, ...absent];
    const belonging = await ctx.query<{ id: string }>(
      `WITH RECURSIVE tree AS (
         SELECT id FROM party.party_organisation WHERE id = $1::uuid
         UNION ALL SELECT o.id FROM party.party_organisation o JOIN tree ON o.parent_id = tree.id
       )
       SELECT m.id::text AS id FROM party.party_member m WHERE ${uuidIn('m.id', '$2')} AND m.organisation_id IN (SELECT id FROM tree)`,
      [org.id, all],
    );
    const members = new Set(belonging.map((r) => r.id));
    const strangers = all.filter((id) => !members.has(id));
    if (strangers.length) {
      throw badInput(
        `These are not members of ${org.name} (nor of its groups): ${strangers.join(', ')}`,
        strangers.some((s) => present.includes(s)) ? 'presentMemberIds' : 'absentMemberIds',
      );
    }
    const [{ id }] = await ctx.query<{ id: string }>(
      `INSERT INTO party.organisation_meeting (organisation_id, kind, held_on, topic, path, recorded_by) VALUES ($1, $2, $3::date, $4, $5::ltree, $6) RETURNING id::text AS id`,
      [org.id, input.kind, input.heldOn, input.topic, org.path, ctx.identity.sub],
    );
    await ctx.query(
      `INSERT INTO party.meeting_attendance (meeting_id, member_id, present, path)
       SELECT $1::uuid, m, m = ANY($2::uuid[]), $4::ltree FROM unnest($3::uuid[]) AS m`,
      [id, present, all, org.path],
    );
    const [meeting] = await ctx.query<OrganisationMeeting>(`SELECT ${meetingColumns('m')} FROM party.organisation_meeting m WHERE m.id = $1`, [id]);
    return meeting;
  },

  meetings(ctx: RequestContext, organisationId: string, args: PageArgs): Promise<ConnectionData<OrganisationMeeting>> {
    return datedConnection<OrganisationMeeting>(
      ctx,
      {
        name: 'partyLife.meetings',
        from: 'party.organisation_meeting t',
        columns: meetingColumns('t'),
        parent: 't.organisation_id',
        date: 't.held_on',
        where: 't.path <@ $4::ltree',
        params: [ctx.scope],
      },
      organisationId,
      args,
      (r) => r.heldOn,
    );
  },

  attendance(ctx: RequestContext, meetingId: string): Promise<MeetingAttendance[]> {
    return ctx
      .loader<string, MeetingAttendance[]>('partyLife.attendance', async (ids) => {
        const rows = await ctx.query<MeetingAttendance>(
          `SELECT meeting_id::text AS "meetingId", member_id::text AS "memberId", present, path::text AS path
             FROM party.meeting_attendance WHERE ${uuidIn('meeting_id', '$1')} ORDER BY present DESC, member_id`,
          [ids],
        );
        return groupRows(ids, rows, (r) => r.meetingId);
      })
      .load(meetingId);
  },

  meetingSummary(ctx: RequestContext, organisationId: string, year: number): Promise<MeetingSummary> {
    return ctx
      .loader<string, MeetingSummary>(`partyLife.meetingSummary:${year}`, async (ids) => {
        const rows = await ctx.query<{ org: string; kind: MeetingKind; n: number; present: number; absent: number }>(
          `SELECT m.organisation_id::text AS org, m.kind, count(DISTINCT m.id)::int AS n,
                  count(a.member_id) FILTER (WHERE a.present)::int AS present, count(a.member_id) FILTER (WHERE NOT a.present)::int AS absent
             FROM party.organisation_meeting m LEFT JOIN party.meeting_attendance a ON a.meeting_id = m.id
            WHERE ${uuidIn('m.organisation_id', '$1')} AND m.held_on >= make_date($2, 1, 1) AND m.held_on < make_date($2 + 1, 1, 1) AND m.path <@ $3::ltree
            GROUP BY 1, 2`,
          [ids, year, ctx.scope],
        );
        return ids.map((id) => {
          const mine = rows.filter((r) => r.org === id);
          const held = (kind: MeetingKind) => mine.find((r) => r.kind === kind)?.n ?? 0;
          const present = mine.reduce((s, r) => s + r.present, 0);
          const absent = mine.reduce((s, r) => s + r.absent, 0);
          return {
            year,
            branchMembersMeetings: held(MeetingKind.BRANCH_MEMBERS_MEETING),
            branchCommitteeMeetings: held(MeetingKind.BRANCH_COMMITTEE_MEETING),
            groupMeetings: held(MeetingKind.GROUP_MEETING),
            partyLessons: held(MeetingKind.PARTY_LESSON),
            total: mine.reduce((s, r) => s + r.n, 0),
            attendanceRate: present + absent ? Math.round((present / (present + absent)) * 10000) / 10000 : null,
          };
        });
      })
      .load(organisationId);
  },

  /* ---------- responsibility posts ---------- */

  async assignPost(ctx: RequestContext, args: AssignPostArgs): Promise<ResponsibilityPost> {
    const member = await freshMember(ctx, args.memberId);
    if (!member || accessToPath(ctx.identity, member.path) !== Access.FULL) {
      throw forbidden(`You cannot assign posts to party member ${args.memberId}: there is no such member in your unit`);
    }
    if (!SECRETARY_OR_STAFF.some((r) => ctx.identity.roles.includes(r))) throw forbidden('Only a PARTY_SECRETARY or STAFF can assign responsibility posts');
    notInFuture(args.since, 'since');
    if (args.since < member.joinedOn) throw badInput(`since ${args.since} is before the member joined the party (${member.joinedOn})`, 'since');
    try {
      const [post] = await ctx.query<ResponsibilityPost>(
        `INSERT INTO party.responsibility_post (member_id, post, since, path, assigned_by) VALUES ($1, $2, $3::date, $4::ltree, $5)
         ON CONFLICT (member_id, post) DO NOTHING RETURNING ${POST_COLUMNS}`,
        [member.id, args.post, args.since, member.path, ctx.identity.sub],
      );
      if (!post) throw conflict(`Member ${member.id} already holds the ${args.post} post`);
      return post;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`Member ${member.id} already holds the ${args.post} post`);
      throw error;
    }
  },

  postsOfMember(ctx: RequestContext, memberId: string): Promise<ResponsibilityPost[]> {
    return ctx
      .loader<string, ResponsibilityPost[]>('partyLife.posts', async (ids) => {
        const rows = await ctx.query<ResponsibilityPost>(
          `SELECT ${POST_COLUMNS} FROM party.responsibility_post WHERE ${uuidIn('member_id', '$1')} AND path <@ $2::ltree ORDER BY since, post`,
          [ids, ctx.scope],
        );
        return groupRows(ids, rows, (r) => r.memberId);
      })
      .load(memberId);
  },
};
