import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { connectionType, maskPhone, PageArgs, personalField, rules, type ConnectionData, type Permissions, type RequestContext } from '@cgp/core';
import { Community } from '../units/community.type';
import { VolunteerTeam } from '../services/volunteer.type';
import { VolunteerRegistryService } from './volunteer.service';
import { LogVolunteerHoursInput, PointsRule, RegisterVolunteerInput, SetPointsRuleInput, Volunteer, VolunteerHoursEntry } from './volunteer.type';

export const VolunteerConnection = connectionType(Volunteer, 'Volunteer', 'A page of volunteers.');
const AUDIT = 'community.personal_data_read';
const maskName = (v: string | null) => v && `${v.slice(0, 1)}*`;

@Resolver(() => Volunteer)
export class VolunteerResolver {
  @Mutation(() => Volunteer, {
    description: 'Registers a volunteer of your community: a resident of it or a party member, in one of its teams or not (community staff).',
  })
  registerVolunteer(
    @Arg('input', () => RegisterVolunteerInput, { description: 'The volunteer.' }) input: RegisterVolunteerInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Volunteer> {
    return VolunteerRegistryService.register(ctx, input);
  }

  @Mutation(() => [VolunteerHoursEntry], {
    description: 'Logs the hours volunteers served at an activity; each earns points by the district’s rule in force on its day (community staff).',
  })
  logVolunteerHours(
    @Arg('input', () => LogVolunteerHoursInput, { description: 'The hours.' }) input: LogVolunteerHoursInput,
    @Ctx() ctx: RequestContext,
  ): Promise<VolunteerHoursEntry[]> {
    return VolunteerRegistryService.logHours(ctx, input);
  }

  @Mutation(() => PointsRule, {
    description: 'Sets a volunteer points rule of your district from a day (district STAFF): points per hour and per activity, for a kind of service or all.',
  })
  setVolunteerPointsRule(
    @Arg('input', () => SetPointsRuleInput, { description: 'The rule.' }) input: SetPointsRuleInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PointsRule> {
    return VolunteerRegistryService.setRule(ctx, input);
  }

  @Query(() => [PointsRule], { description: 'The volunteer points rules of a district (its staff, and the units below it).' })
  volunteerPointsRules(
    @Arg('districtCode', () => String, { description: '6-digit district code.' }) districtCode: string,
    @Ctx() ctx: RequestContext,
  ): Promise<PointsRule[]> {
    return VolunteerRegistryService.rules(ctx, districtCode);
  }

  @FieldResolver(() => String, { description: 'Name (personal data: masked as 王* unless your work needs it).' })
  name(@Root() v: Volunteer, @Ctx() ctx: RequestContext): string {
    return personalField(ctx, AUDIT, { recordType: 'Volunteer', recordId: v.id, field: 'name', path: v.path }, v.name, maskName) as string;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Phone (personal data: masked unless your work needs it).' })
  phone(@Root() v: Volunteer, @Ctx() ctx: RequestContext): string | null {
    return personalField(ctx, AUDIT, { recordType: 'Volunteer', recordId: v.id, field: 'phone', path: v.path }, v.phone, maskPhone);
  }

  @FieldResolver(() => [VolunteerHoursEntry], { description: 'Hours and points per activity, oldest first.' })
  log(@Root() v: Volunteer, @Ctx() ctx: RequestContext): Promise<VolunteerHoursEntry[]> {
    return VolunteerRegistryService.logOf(ctx, v.id);
  }

  @FieldResolver(() => VolunteerTeam, { nullable: true, description: 'The team they belong to, if any.' })
  async team(@Root() v: Volunteer, @Ctx() ctx: RequestContext): Promise<VolunteerTeam | null> {
    if (!v.teamId) return null;
    const [team] = await ctx.query<VolunteerTeam>(
      `SELECT id, name, kind, members, leader_name AS "leaderName", community_code AS "communityCode", path::text AS path FROM community.volunteer_team WHERE id = $1`,
      [v.teamId],
    );
    return team ?? null;
  }
}

@Resolver(() => Community)
export class CommunityVolunteersResolver {
  @FieldResolver(() => VolunteerConnection, { description: 'The community’s individual volunteers, with their hours and points.' })
  volunteers(@Root() community: Community, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Volunteer>> {
    return VolunteerRegistryService.ofCommunity(ctx, community.code, args);
  }
}

// Community staff register volunteers and log hours, district staff set rules (the service checks the unit and role of each).
export const volunteerPermissions: Permissions = {
  Query: { volunteerPointsRules: rules.unitStaff },
  Mutation: { registerVolunteer: rules.unitStaff, logVolunteerHours: rules.unitStaff, setVolunteerPointsRule: rules.unitStaff },
  Volunteer: { '*': rules.recordInScope },
  VolunteerHoursEntry: { '*': rules.allow },
  PointsRule: { '*': rules.allow },
  Community: { volunteers: rules.unitFull },
};
