import { insertRows, type Queryable } from '@cgp/core';
import { demoEnd, Random, stableId, type DemoDataset, type PartyMemberSeed, type PartyOrganisationSeed } from '@cgp/demo-data';

/** A year of party life (see generatePartyLife) for the demo dataset's members and organisations. */
export async function seedPartyLife(db: Queryable, data: DemoDataset): Promise<void> {
  const life = generatePartyLife(data);
  await insertRows(
    db,
    'party.service_report',
    {
      id: (r: ReportRow) => r.id,
      member_id: (r) => r.memberId,
      community_code: (r) => r.communityCode,
      path: (r) => r.path,
      reported_on: (r) => r.reportedOn,
      status: (r) => r.status,
      accepted_by: (r) => r.acceptedBy,
      decided_at: (r) => r.decidedAt,
      service_hours: (r) => r.serviceHours,
      recorded_by: (r) => r.recordedBy,
      version: (r) => r.version,
    },
    life.reports,
  );
  await insertRows(
    db,
    'party.service_log',
    {
      id: (r: LogRow) => r.id,
      report_id: (r) => r.reportId,
      hours: (r) => r.hours,
      served_on: (r) => r.servedOn,
      note: (r) => r.note,
      recorded_by: (r) => r.recordedBy,
      path: (r) => r.path,
    },
    life.logs,
  );
  await insertRows(
    db,
    'party.organisation_meeting',
    {
      id: (r: MeetingRow) => r.id,
      organisation_id: (r) => r.organisationId,
      kind: (r) => r.kind,
      held_on: (r) => r.heldOn,
      topic: (r) => r.topic,
      path: (r) => r.path,
      recorded_by: (r) => r.recordedBy,
    },
    life.meetings,
  );
  await insertRows(
    db,
    'party.meeting_attendance',
    {
      meeting_id: (r: AttendanceRow) => r.meetingId,
      member_id: (r) => r.memberId,
      present: (r) => r.present,
      path: (r) => r.path,
    },
    life.attendance,
  );
  await insertRows(
    db,
    'party.responsibility_post',
    {
      id: (r: PostRow) => r.id,
      member_id: (r) => r.memberId,
      post: (r) => r.post,
      since: (r) => r.since,
      path: (r) => r.path,
      assigned_by: (r) => r.assignedBy,
    },
    life.posts,
  );
  // Fresh statistics for the planner: the figures join these tables, and a plan made for empty tables is ruinous on full ones.
  await db.query(`ANALYZE party.service_report, party.service_log, party.organisation_meeting, party.meeting_attendance, party.responsibility_post`);
}

interface ReportRow {
  id: string;
  memberId: string;
  communityCode: string;
  path: string;
  reportedOn: string;
  status: string;
  acceptedBy: string | null;
  decidedAt: Date | null;
  serviceHours: number;
  recordedBy: string;
  version: number;
}
interface LogRow {
  id: string;
  reportId: string;
  hours: number;
  servedOn: string;
  note: string;
  recordedBy: string;
  path: string;
}
interface MeetingRow {
  id: string;
  organisationId: string;
  kind: string;
  heldOn: string;
  topic: string;
  path: string;
  recordedBy: string;
}
interface AttendanceRow {
  meetingId: string;
  memberId: string;
  present: boolean;
  path: string;
}
interface PostRow {
  id: string;
  memberId: string;
  post: string;
  since: string;
  path: string;
  assignedBy: string;
}

const DAY = 86_400_000;
const SERVICE_NOTES = ['楼道清扫', '政策宣讲', '走访独居老人', '文明劝导', '垃圾分类督导', '治安巡逻', '微心愿认领', '义务理发', '法律咨询', '环境整治'];
const MEETING_TOPICS: Record<string, string[]> = {
  BRANCH_MEMBERS_MEETING: ['学习党的二十届三中全会精神', '主题党日：社区环境整治', '发展党员讨论', '民主评议党员', '党费收缴与通报', '学习《中国共产党章程》'],
  BRANCH_COMMITTEE_MEETING: ['研究季度工作计划', '讨论困难党员帮扶', '部署“三会一课”安排', '研究网格治理重点'],
  GROUP_MEETING: ['楼栋党员议事', '收集居民意见', '学习交流心得'],
  PARTY_LESSON: ['书记讲党课：基层治理', '党史专题党课', '廉政教育党课', '优秀党员讲党课'],
};
const POSTS = ['PARTICIPATION', 'OPINION_COLLECTION', 'CIVILITY_HYGIENE', 'PUBLIC_SECURITY', 'PAIRED_ASSISTANCE'];

function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * A year of party life for a dataset, deterministic: in-service members' reports to the communities
 * where they live (most accepted, with service hours over the demo year), the "three meetings and one
 * lesson" of every branch and building group with members, and posts for about half the resident members.
 */
export function generatePartyLife(data: DemoDataset) {
  const random = new Random(20261115);
  const end = demoEnd(data);
  const start = end - 365 * DAY;
  const reports: ReportRow[] = [];
  const logs: LogRow[] = [];
  for (const m of data.partyMembers) {
    if (m.kind !== 'IN_SERVICE' || random.next() >= 0.92) continue;
    const communityCode = m.path.split('.').pop() as string;
    const roll = random.next();
    const status = roll < 0.85 ? 'ACCEPTED' : roll < 0.9 ? 'REJECTED' : 'REPORTED';
    const reportedAt = status === 'REPORTED' ? end - random.int(1, 60) * DAY : Date.UTC(2018, 0, 1) + random.int(0, 7 * 365) * DAY;
    const reportedOn = isoDay(Math.min(reportedAt, end - DAY));
    const id = stableId('service-report', m.id);
    let hours = 0;
    let logged = 0;
    if (status === 'ACCEPTED') {
      for (let i = random.int(2, 8); i > 0; i--) {
        logged++;
        const h = random.int(1, 8) / 2;
        hours += h;
        logs.push({
          id: stableId('service-log', id, i),
          reportId: id,
          hours: h,
          servedOn: isoDay(Math.max(start + random.int(0, 364) * DAY, reportedAt)),
          note: random.pick(SERVICE_NOTES),
          recordedBy: `community-staff-${communityCode}`,
          path: m.path,
        });
      }
    }
    reports.push({
      id,
      memberId: m.id,
      communityCode,
      path: m.path,
      reportedOn,
      status,
      acceptedBy: status === 'REPORTED' ? null : `party-secretary-${communityCode}`,
      decidedAt: status === 'REPORTED' ? null : new Date(Math.min(reportedAt + random.int(1, 10) * DAY, end - DAY)),
      serviceHours: hours,
      recordedBy: `community-staff-${communityCode}`,
      version: status === 'REPORTED' ? 1 : 2 + logged,
    });
  }

  // Members of each organisation, directly or through its groups.
  const membersOf = new Map<string, PartyMemberSeed[]>();
  const orgById = new Map(data.partyOrganisations.map((o) => [o.id, o]));
  for (const m of data.partyMembers) {
    for (let org = orgById.get(m.organisationId); org; org = org.parentId ? orgById.get(org.parentId) : undefined) {
      if (org.kind !== 'BRANCH' && org.kind !== 'GROUP') break;
      membersOf.set(org.id, [...(membersOf.get(org.id) ?? []), m]);
    }
  }
  const meetings: MeetingRow[] = [];
  const attendance: AttendanceRow[] = [];
  const firstMonth = new Date(start);
  const meeting = (org: PartyOrganisationSeed, kind: string, month: number, attendees: PartyMemberSeed[]) => {
    const d = new Date(Date.UTC(firstMonth.getUTCFullYear(), firstMonth.getUTCMonth() + month, random.int(15, 28)));
    const id = stableId('meeting', org.id, kind, month);
    meetings.push({
      id,
      organisationId: org.id,
      kind,
      heldOn: isoDay(Math.min(d.getTime(), end - DAY)),
      topic: random.pick(MEETING_TOPICS[kind]),
      path: org.path,
      recordedBy: `party-secretary-${org.unitCode}`,
    });
    const rate = 0.75 + random.next() * 0.22;
    for (const m of attendees) attendance.push({ meetingId: id, memberId: m.id, present: random.next() < rate, path: org.path });
  };
  for (const org of data.partyOrganisations) {
    const members = membersOf.get(org.id) ?? [];
    if (!members.length) continue;
    for (let month = 0; month < 12; month++) {
      if (org.kind === 'BRANCH') {
        meeting(org, 'BRANCH_MEMBERS_MEETING', month, members);
        if (month % 3 === 1) meeting(org, 'BRANCH_COMMITTEE_MEETING', month, members.slice(0, Math.min(5, members.length)));
        if (month % 3 === 2) meeting(org, 'PARTY_LESSON', month, members);
      } else if (month % 3 === 0) {
        meeting(org, 'GROUP_MEETING', month, members);
      }
    }
  }

  const posts: PostRow[] = [];
  for (const m of data.partyMembers) {
    if (m.kind !== 'RESIDENT' || random.next() >= 0.5) continue;
    const from = Math.max(Date.parse(m.joinedOn), Date.UTC(2018, 0, 1));
    const chosen = new Set([random.pick(POSTS), ...(random.next() < 0.3 ? [random.pick(POSTS)] : [])]);
    for (const post of chosen) {
      posts.push({
        id: stableId('responsibility-post', m.id, post),
        memberId: m.id,
        post,
        since: isoDay(from + random.int(0, Math.max(0, Math.floor((start - from) / DAY))) * DAY),
        path: m.path,
        assignedBy: `party-secretary-${m.path.split('.').pop()}`,
      });
    }
  }
  return { reports, logs, meetings, attendance, posts };
}
