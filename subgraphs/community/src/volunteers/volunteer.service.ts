import {
  Access,
  accessToCode,
  assertUnitCode,
  badInput,
  callPeer,
  CallerKind,
  chinaToday,
  childConnection,
  conflict,
  forbidden,
  isCalendarDate,
  pathOfCode,
  Role,
  Tier,
  uuidIn,
  uuidIs,
  type ConnectionData,
  type PageArgs,
  type RequestContext,
} from '@cgp/core';
import { assertStaffOf } from '../services/services.access';
import {
  RULE_COLUMNS,
  VOLUNTEER_COLUMNS,
  type LogVolunteerHoursInput,
  type PointsRule,
  type RegisterVolunteerInput,
  type SetPointsRuleInput,
  type Volunteer,
  type VolunteerHoursEntry,
} from './volunteer.type';

/** Volunteers, their hours and points (the points rule in force on the activity's day, by its kind of service, else the district's general rule). */
export const VolunteerRegistryService = {
  ofCommunity(ctx: RequestContext, communityCode: string, args: PageArgs): Promise<ConnectionData<Volunteer>> {
    return childConnection<Volunteer>(
      ctx,
      {
        name: 'volunteer.ofCommunity',
        table: 'community.volunteer v',
        columns: VOLUNTEER_COLUMNS,
        parentColumn: 'v.community_code',
        orderColumn: 'v.id',
        orderKey: (v) => v.id,
        scopeColumn: 'v.path',
      },
      communityCode,
      args,
    );
  },

  async register(ctx: RequestContext, input: RegisterVolunteerInput): Promise<Volunteer> {
    assertStaffOf(ctx, input.communityCode, 'register volunteers of this community');
    const joinedOn = input.joinedOn ?? chinaToday();
    if (!isCalendarDate(joinedOn) || joinedOn > chinaToday()) throw badInput(`joinedOn ${joinedOn} must be a past date written YYYY-MM-DD`, 'joinedOn');
    if (!input.residentId === !input.partyMemberId)
      throw badInput('Name the volunteer in one registry: residentId (a resident of the community) or partyMemberId (a party member)', 'residentId');
    if (input.residentId) {
      const [resident] = await ctx.query<{ id: string }>(`SELECT id FROM community.resident WHERE ${uuidIs('id', '$1')} AND path <@ $2::ltree`, [
        input.residentId,
        pathOfCode(input.communityCode),
      ]);
      if (!resident) throw badInput(`No resident ${input.residentId} in community ${input.communityCode}`, 'residentId');
    } else {
      const found = await callPeer<{ partyMember: { id: string } | null }>(ctx, 'party', `query VolunteerMember($id: ID!) { partyMember(id: $id) { id } }`, {
        id: input.partyMemberId,
      });
      if (!found.partyMember) throw badInput(`No party member ${input.partyMemberId} that you may see`, 'partyMemberId');
    }
    if (input.teamId) {
      const [team] = await ctx.query<{ id: string }>(`SELECT id FROM community.volunteer_team WHERE ${uuidIs('id', '$1')} AND community_code = $2`, [
        input.teamId,
        input.communityCode,
      ]);
      if (!team) throw badInput(`No volunteer team ${input.teamId} in community ${input.communityCode}`, 'teamId');
    }
    const [taken] = await ctx.query<{ id: string }>(
      `SELECT id FROM community.volunteer WHERE (${uuidIs('resident_id', '$1')} OR (community_code = $2 AND ${uuidIs('party_member_id', '$3')}))`,
      [input.residentId ?? null, input.communityCode, input.partyMemberId ?? null],
    );
    if (taken) throw conflict(`Already registered as volunteer ${taken.id}`);
    const [{ id }] = await ctx.query<{ id: string }>(
      `INSERT INTO community.volunteer (community_code, name, phone, kind, resident_id, party_member_id, team_id, joined_on, path, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9::ltree, $10) RETURNING id`,
      [
        input.communityCode,
        input.name.trim(),
        input.phone ?? null,
        input.partyMemberId ? 'PARTY_MEMBER' : 'RESIDENT',
        input.residentId ?? null,
        input.partyMemberId ?? null,
        input.teamId ?? null,
        joinedOn,
        pathOfCode(input.communityCode),
        ctx.identity.sub,
      ],
    );
    const [created] = await ctx.query<Volunteer>(`SELECT ${VOLUNTEER_COLUMNS} FROM community.volunteer v WHERE v.id = $1`, [id]);
    return created;
  },

  /** Logs volunteers' hours at an activity; each entry's points come from the rule in force on its day, and are kept. */
  async logHours(ctx: RequestContext, input: LogVolunteerHoursInput): Promise<VolunteerHoursEntry[]> {
    const [activity] = await ctx.query<{ id: string; heldOn: string; kind: string; communityCode: string; path: string }>(
      `SELECT a.id, to_char(a.held_on, 'YYYY-MM-DD') AS "heldOn", a.kind, t.community_code AS "communityCode", a.path::text AS path
         FROM community.volunteer_activity a JOIN community.volunteer_team t ON t.id = a.team_id WHERE ${uuidIs('a.id', '$1')}`,
      [input.activityId],
    );
    if (!activity) throw forbidden('No volunteer activity with this id in your unit');
    assertStaffOf(ctx, activity.communityCode, 'log volunteers’ hours of this community');
    const ids = input.entries.map((e) => e.volunteerId);
    if (new Set(ids).size !== ids.length) throw badInput('A volunteer appears twice: give one entry per volunteer', 'entries');
    for (const e of input.entries) if (!(e.hours > 0 && e.hours <= 24)) throw badInput(`hours ${e.hours} must be more than 0 and at most 24`, 'entries');
    const volunteers = await ctx.query<{ id: string }>(`SELECT id FROM community.volunteer WHERE ${uuidIn('id', '$1')} AND community_code = $2`, [
      ids,
      activity.communityCode,
    ]);
    const known = new Set(volunteers.map((v) => v.id));
    const strangers = ids.filter((id) => !known.has(id));
    if (strangers.length) throw badInput(`Not volunteers of community ${activity.communityCode}: ${strangers.join(', ')}`, 'entries');
    const [rule] = await ctx.query<{ id: string; pointsPerHour: number; pointsPerActivity: number }>(
      `SELECT id, points_per_hour::float8 AS "pointsPerHour", points_per_activity::float8 AS "pointsPerActivity" FROM community.points_rule
        WHERE district_code = $1 AND (activity_kind = $2 OR activity_kind IS NULL) AND effective_from <= $3::date
        ORDER BY activity_kind IS NULL, effective_from DESC, recorded_at DESC LIMIT 1`,
      [activity.communityCode.slice(0, 6), activity.kind, activity.heldOn],
    );
    const rows = await ctx.query<{ volunteerId: string }>(
      `INSERT INTO community.volunteer_hours (volunteer_id, activity_id, hours, points, rule_id, path, recorded_by)
       SELECT e.volunteer_id, $1, e.hours, round(e.hours * $2 + $3, 2), $4, $5::ltree, $6 FROM unnest($7::uuid[], $8::numeric[]) AS e(volunteer_id, hours)
       ON CONFLICT (volunteer_id, activity_id) DO NOTHING RETURNING volunteer_id AS "volunteerId"`,
      [
        activity.id,
        rule?.pointsPerHour ?? 0,
        rule?.pointsPerActivity ?? 0,
        rule?.id ?? null,
        activity.path,
        ctx.identity.sub,
        ids,
        input.entries.map((e) => e.hours),
      ],
    );
    if (rows.length !== ids.length) {
      const done = new Set(rows.map((r) => r.volunteerId));
      throw conflict(`Hours are already logged at this activity for: ${ids.filter((id) => !done.has(id)).join(', ')}`);
    }
    return this.entriesOf(ctx, activity.id);
  },

  async entriesOf(ctx: RequestContext, activityId: string): Promise<VolunteerHoursEntry[]> {
    return ctx.query<VolunteerHoursEntry>(
      `SELECT h.activity_id AS "activityId", to_char(a.held_on, 'YYYY-MM-DD') AS "heldOn", a.kind AS "activityKind", h.hours::float8 AS hours, h.points::float8 AS points, h.volunteer_id AS "volunteerId"
         FROM community.volunteer_hours h JOIN community.volunteer_activity a ON a.id = h.activity_id WHERE ${uuidIs('h.activity_id', '$1')} ORDER BY h.volunteer_id`,
      [activityId],
    );
  },

  logOf(ctx: RequestContext, volunteerId: string): Promise<VolunteerHoursEntry[]> {
    return ctx
      .loader<string, VolunteerHoursEntry[]>('volunteer.log', async (ids) => {
        const rows = await ctx.query<VolunteerHoursEntry>(
          `SELECT h.activity_id AS "activityId", to_char(a.held_on, 'YYYY-MM-DD') AS "heldOn", a.kind AS "activityKind", h.hours::float8 AS hours, h.points::float8 AS points, h.volunteer_id AS "volunteerId"
             FROM community.volunteer_hours h JOIN community.volunteer_activity a ON a.id = h.activity_id WHERE ${uuidIn('h.volunteer_id', '$1')} ORDER BY a.held_on, h.activity_id`,
          [ids],
        );
        return ids.map((id) => rows.filter((r) => r.volunteerId === id));
      })
      .load(volunteerId);
  },

  async setRule(ctx: RequestContext, input: SetPointsRuleInput): Promise<PointsRule> {
    assertUnitCode(input.districtCode, Tier.DISTRICT, 'districtCode');
    const { identity } = ctx;
    if (identity.kind !== CallerKind.DISTRICT || !identity.roles.includes(Role.STAFF) || accessToCode(identity, input.districtCode) !== Access.FULL) {
      throw forbidden('Only STAFF of the district set its volunteer points rules');
    }
    if (!isCalendarDate(input.effectiveFrom)) throw badInput(`effectiveFrom ${input.effectiveFrom} is not a calendar date`, 'effectiveFrom');
    const [rule] = await ctx.query<PointsRule>(
      `INSERT INTO community.points_rule (district_code, activity_kind, points_per_hour, points_per_activity, effective_from, path, recorded_by)
       VALUES ($1, $2, $3, $4, $5::date, $6::ltree, $7) RETURNING ${RULE_COLUMNS}`,
      [
        input.districtCode,
        input.activityKind?.trim() || null,
        input.pointsPerHour,
        input.pointsPerActivity,
        input.effectiveFrom,
        input.districtCode,
        identity.sub,
      ],
    );
    return rule;
  },

  rules(ctx: RequestContext, districtCode: string): Promise<PointsRule[]> {
    assertUnitCode(districtCode, Tier.DISTRICT, 'districtCode');
    if (!ctx.identity.unit?.startsWith(districtCode)) throw forbidden(`District ${districtCode} is not yours: its rules are read by its own units`);
    return ctx.query<PointsRule>(
      `SELECT ${RULE_COLUMNS} FROM community.points_rule WHERE district_code = $1 ORDER BY activity_kind NULLS FIRST, effective_from`,
      [districtCode],
    );
  },
};
