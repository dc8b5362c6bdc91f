import {
  badInput,
  childConnection,
  forbidden,
  groupRows,
  pathOfCode,
  uuidIn,
  uuidIs,
  type ConnectionData,
  type PageArgs,
  type RequestContext,
} from '@cgp/core';
import { assertPastDate } from '../residents/date.scalar';
import type { FollowUpInput, JointMeetingInput } from './joint-meeting.input';
import { JointParty, MEETING_COLUMNS, RESOLUTION_COLUMNS, ResolutionStatus, type JointMeeting, type Resolution } from './joint-meeting.type';
import { assertStaffOf } from './services.access';

/** Four-party joint meetings, their resolutions and the follow-up of each. */
export const JointMeetingService = {
  meetings(ctx: RequestContext, communityCode: string, args: PageArgs): Promise<ConnectionData<JointMeeting>> {
    return childConnection<JointMeeting>(
      ctx,
      {
        name: 'joint.meetings',
        table: 'community.joint_meeting',
        columns: MEETING_COLUMNS,
        parentColumn: 'community_code',
        orderColumn: 'id',
        orderKey: (m) => m.id,
        scopeColumn: 'path',
      },
      communityCode,
      args,
    );
  },

  resolutions(ctx: RequestContext, meetingId: string): Promise<Resolution[]> {
    return ctx
      .loader<string, Resolution[]>('joint.resolutions', async (ids) => {
        const rows = await ctx.query<Resolution>(
          `SELECT ${RESOLUTION_COLUMNS} FROM community.meeting_resolution WHERE ${uuidIn('meeting_id', '$1')} ORDER BY position`,
          [ids],
        );
        return groupRows(ids, rows, (r) => r.meetingId);
      })
      .load(meetingId);
  },

  async record(ctx: RequestContext, input: JointMeetingInput): Promise<JointMeeting> {
    assertStaffOf(ctx, input.communityCode, 'record joint meetings of this community');
    assertPastDate(input.heldOn, 'heldOn');
    const parties = [...new Set(input.parties)];
    if (parties.length !== input.parties.length) throw badInput('parties lists a party twice', 'parties');
    if (!parties.includes(JointParty.PARTY_COMMITTEE))
      throw badInput('The joint meeting is led by the community party committee: include PARTY_COMMITTEE in parties', 'parties');
    for (const r of input.resolutions)
      if (!parties.includes(r.owner)) throw badInput(`A resolution is owned by ${r.owner}, which did not attend`, 'resolutions');
    const path = pathOfCode(input.communityCode);
    const [meeting] = await ctx.query<JointMeeting>(
      `INSERT INTO community.joint_meeting (id, community_code, held_on, parties, topics, recorded_by, path) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::ltree) RETURNING ${MEETING_COLUMNS}`,
      [input.communityCode, input.heldOn, parties, input.topics, ctx.identity.sub, path],
    );
    if (input.resolutions.length) {
      await ctx.query(
        `INSERT INTO community.meeting_resolution (id, meeting_id, position, text, owner, due_on, status, path)
         SELECT gen_random_uuid(), $1, r.position, r.text, r.owner, r.due_on, 'OPEN', $5::ltree
           FROM unnest($2::text[], $3::text[], $4::date[]) WITH ORDINALITY AS r(text, owner, due_on, position)`,
        [meeting.id, input.resolutions.map((r) => r.text), input.resolutions.map((r) => r.owner), input.resolutions.map((r) => r.dueOn ?? null), path],
      );
    }
    return meeting;
  },

  async followUp(ctx: RequestContext, input: FollowUpInput): Promise<Resolution> {
    const [resolution] = await ctx.query<Resolution>(`SELECT ${RESOLUTION_COLUMNS} FROM community.meeting_resolution WHERE ${uuidIs('id', '$1')}`, [
      input.resolutionId,
    ]);
    if (!resolution) throw forbidden('No resolution with this id in your unit');
    assertStaffOf(ctx, resolution.path.split('.').pop() as string, 'follow up this resolution');
    if (resolution.status === ResolutionStatus.DONE) throw badInput('This resolution is already carried out', 'resolutionId');
    const [updated] = await ctx.query<Resolution>(
      `UPDATE community.meeting_resolution SET status = $2::text, follow_up = $3, done_on = CASE WHEN $2::text = 'DONE' THEN current_date END WHERE ${uuidIs('id', '$1')} RETURNING ${RESOLUTION_COLUMNS}`,
      [input.resolutionId, input.status, input.note],
    );
    return updated;
  },
};
