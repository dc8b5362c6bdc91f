import { childConnection, forbidden, groupRows, pathOfCode, uuidIs, type ConnectionData, type PageArgs, type RequestContext } from '@cgp/core';
import { assertPastDate } from '../residents/date.scalar';
import type { VolunteerActivityInput, VolunteerTeamInput } from './volunteer.input';
import { ACTIVITY_COLUMNS, TEAM_COLUMNS, type VolunteerActivity, type VolunteerTeam } from './volunteer.type';
import { assertStaffOf } from './services.access';

/** Volunteer teams of communities and their service activities. */
export const VolunteerService = {
  teamsOfCommunity(ctx: RequestContext, communityCode: string): Promise<VolunteerTeam[]> {
    return ctx
      .loader<string, VolunteerTeam[]>('volunteer.teams', async (codes) => {
        const rows = await ctx.query<VolunteerTeam>(
          `SELECT ${TEAM_COLUMNS} FROM community.volunteer_team WHERE community_code = ANY($1) AND path <@ $2::ltree ORDER BY name`,
          [codes, ctx.scope],
        );
        return groupRows(codes, rows, (t) => t.communityCode);
      })
      .load(communityCode);
  },

  activities(ctx: RequestContext, teamId: string, args: PageArgs): Promise<ConnectionData<VolunteerActivity>> {
    return childConnection<VolunteerActivity>(
      ctx,
      {
        name: 'volunteer.activities',
        table: 'community.volunteer_activity',
        columns: ACTIVITY_COLUMNS,
        parentColumn: 'team_id',
        orderColumn: 'id',
        orderKey: (a) => a.id,
        scopeColumn: 'path',
      },
      teamId,
      args,
    );
  },

  async createTeam(ctx: RequestContext, input: VolunteerTeamInput): Promise<VolunteerTeam> {
    assertStaffOf(ctx, input.communityCode, 'create volunteer teams for this community');
    const [team] = await ctx.query<VolunteerTeam>(
      `INSERT INTO community.volunteer_team (id, community_code, name, kind, members, leader_name, path) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::ltree) RETURNING ${TEAM_COLUMNS}`,
      [input.communityCode, input.name, input.kind, input.members, input.leaderName, pathOfCode(input.communityCode)],
    );
    return team;
  },

  async recordActivity(ctx: RequestContext, input: VolunteerActivityInput): Promise<VolunteerActivity> {
    const [team] = await ctx.query<VolunteerTeam>(`SELECT ${TEAM_COLUMNS} FROM community.volunteer_team WHERE ${uuidIs('id', '$1')}`, [input.teamId]);
    if (!team) throw forbidden('No volunteer team with this id in your unit');
    assertStaffOf(ctx, team.communityCode, 'record activities of this team');
    assertPastDate(input.heldOn, 'heldOn');
    const [activity] = await ctx.query<VolunteerActivity>(
      `INSERT INTO community.volunteer_activity (id, team_id, held_on, kind, title, participants, beneficiaries, path)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7::ltree) RETURNING ${ACTIVITY_COLUMNS}`,
      [team.id, input.heldOn, input.kind, input.title, input.participants, input.beneficiaries, team.path],
    );
    return activity;
  },
};
