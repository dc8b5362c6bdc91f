import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  assertUnitCode,
  badInput,
  connectionType,
  maskName,
  maskPhone,
  PageArgs,
  personalField,
  rules,
  type ConnectionData,
  type Permissions,
  type RequestContext,
} from '@cgp/core';
import { Community } from '../units/community.type';
import { Grid } from '../units/grid.type';
import { AgentInput, ErrandInput } from './errand.input';
import { ErrandService } from './errand.service';
import { AgentErrandCounts, Errand, ErrandCounts, LivelihoodAgent } from './errand.type';
import { FacilityInput } from './facility.input';
import { FacilityService } from './facility.service';
import { Facility } from './facility.type';
import { FollowUpInput, JointMeetingInput } from './joint-meeting.input';
import { JointMeetingService } from './joint-meeting.service';
import { JointMeeting, Resolution } from './joint-meeting.type';
import { VolunteerActivityInput, VolunteerTeamInput } from './volunteer.input';
import { VolunteerService } from './volunteer.service';
import { VolunteerActivity, VolunteerTeam } from './volunteer.type';

export const VolunteerActivityConnection = connectionType(VolunteerActivity, 'VolunteerActivity', 'A page of volunteer activities.');
export const JointMeetingConnection = connectionType(JointMeeting, 'JointMeeting', 'A page of joint meetings.');
const AUDIT = 'community.personal_data_read';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

@Resolver(() => Community)
export class CommunityServicesResolver {
  @FieldResolver(() => [VolunteerTeam], { description: 'The community’s volunteer teams.' })
  volunteerTeams(@Root() c: Community, @Ctx() ctx: RequestContext): Promise<VolunteerTeam[]> {
    return VolunteerService.teamsOfCommunity(ctx, c.code);
  }

  @FieldResolver(() => JointMeetingConnection, { description: 'Four-party joint meetings of the community.' })
  jointMeetings(@Root() c: Community, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<JointMeeting>> {
    return JointMeetingService.meetings(ctx, c.code, args);
  }

  @FieldResolver(() => [Facility], { description: 'Service centres, activity rooms and party-building sites.' })
  facilities(@Root() c: Community, @Ctx() ctx: RequestContext): Promise<Facility[]> {
    return FacilityService.ofCommunity(ctx, c.code);
  }

  @FieldResolver(() => ErrandCounts, { description: 'Livelihood errands done in the community, optionally in a period.' })
  errandCounts(
    @Root() c: Community,
    @Ctx() ctx: RequestContext,
    @Arg('from', () => String, { nullable: true, description: 'From this date (YYYY-MM-DD), inclusive.' }) from?: string,
    @Arg('to', () => String, { nullable: true, description: 'Up to this date (YYYY-MM-DD), exclusive.' }) to?: string,
  ): Promise<ErrandCounts> {
    for (const [name, v] of [
      ['from', from],
      ['to', to],
    ] as const)
      if (v && !DATE.test(v)) throw badInput(`${name} must be a date YYYY-MM-DD`, name);
    return ErrandService.countsForUnit(ctx, c.code, from ?? null, to ?? null);
  }
}

export const communityServicesPermissions: Permissions = {
  Community: { volunteerTeams: rules.unitFull, jointMeetings: rules.unitFull, facilities: rules.unitFull, errandCounts: rules.unitFull },
};

@Resolver(() => Grid)
export class GridAgentsResolver {
  @FieldResolver(() => [LivelihoodAgent], { description: 'Livelihood agents serving the grid.' })
  livelihoodAgents(@Root() grid: Grid, @Ctx() ctx: RequestContext): Promise<LivelihoodAgent[]> {
    return ErrandService.agentsOfGrid(ctx, grid.code);
  }
}

export const gridAgentsPermissions: Permissions = {
  Grid: { livelihoodAgents: rules.unitFull },
};

@Resolver(() => LivelihoodAgent)
export class LivelihoodAgentResolver {
  @FieldResolver(() => String, { description: 'Name (personal data: masked as 王* unless your work needs it).' })
  name(@Root() a: LivelihoodAgent, @Ctx() ctx: RequestContext): string {
    return personalField(ctx, AUDIT, { recordType: 'LivelihoodAgent', recordId: a.id, field: 'name', path: a.path }, a.name, maskName) as string;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Phone (masked unless your work needs it).' })
  phone(@Root() a: LivelihoodAgent, @Ctx() ctx: RequestContext): string | null {
    return personalField(ctx, AUDIT, { recordType: 'LivelihoodAgent', recordId: a.id, field: 'phone', path: a.path }, a.phone, maskPhone);
  }

  @FieldResolver(() => [Errand], { description: 'The agent’s latest errands.' })
  errands(
    @Root() a: LivelihoodAgent,
    @Ctx() ctx: RequestContext,
    @Arg('last', () => Int, { defaultValue: 20, description: 'How many, 1 to 100.' }) last: number,
  ): Promise<Errand[]> {
    if (last < 1 || last > 100) throw badInput('last must be between 1 and 100', 'last');
    return ErrandService.errandsOfAgent(ctx, a.id, last);
  }

  @Query(() => [AgentErrandCounts], { description: 'Every livelihood agent in a unit’s subtree with its errand counts, busiest first.' })
  agentErrandCounts(@Arg('unitCode', () => String, { description: 'A unit inside your subtree.' }) unitCode: string, @Ctx() ctx: RequestContext) {
    assertUnitCode(unitCode, undefined, 'unitCode');
    return ErrandService.countsPerAgent(ctx, unitCode);
  }

  @Query(() => ErrandCounts, { description: 'Livelihood errands in a unit’s subtree, optionally in a period.' })
  errandCounts(
    @Arg('unitCode', () => String, { description: 'A unit inside your subtree.' }) unitCode: string,
    @Ctx() ctx: RequestContext,
    @Arg('from', () => String, { nullable: true, description: 'From this date (YYYY-MM-DD), inclusive.' }) from?: string,
    @Arg('to', () => String, { nullable: true, description: 'Up to this date (YYYY-MM-DD), exclusive.' }) to?: string,
  ): Promise<ErrandCounts> {
    assertUnitCode(unitCode, undefined, 'unitCode');
    for (const [name, v] of [
      ['from', from],
      ['to', to],
    ] as const)
      if (v && !DATE.test(v)) throw badInput(`${name} must be a date YYYY-MM-DD`, name);
    return ErrandService.countsForUnit(ctx, unitCode, from ?? null, to ?? null);
  }

  @Mutation(() => LivelihoodAgent, { description: 'Registers a livelihood agent for a grid (staff of the grid or above).' })
  registerLivelihoodAgent(@Arg('input', () => AgentInput) input: AgentInput, @Ctx() ctx: RequestContext): Promise<LivelihoodAgent> {
    return ErrandService.registerAgent(ctx, input);
  }

  @Mutation(() => Errand, { description: 'Records an errand an agent does for a resident (staff of the agent’s grid or above).' })
  recordErrand(@Arg('input', () => ErrandInput) input: ErrandInput, @Ctx() ctx: RequestContext): Promise<Errand> {
    return ErrandService.recordErrand(ctx, input);
  }

  @Mutation(() => Errand, { description: 'Marks an errand done.' })
  completeErrand(
    @Arg('errandId', () => ID, { description: 'The errand.' }) errandId: string,
    @Arg('doneOn', () => String, { description: 'Date done (YYYY-MM-DD).' }) doneOn: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Errand> {
    return ErrandService.completeErrand(ctx, errandId, doneOn);
  }
}

export const livelihoodAgentPermissions: Permissions = {
  Query: { agentErrandCounts: rules.codeArgInScope, errandCounts: rules.codeArgInScope },
  // Staff of the grid or above; the service checks the unit and role.
  Mutation: { registerLivelihoodAgent: rules.unitStaff, recordErrand: rules.unitStaff, completeErrand: rules.unitStaff },
  LivelihoodAgent: { '*': rules.recordInScope },
  ErrandCounts: { '*': rules.allow },
  AgentErrandCounts: { '*': rules.allow },
};

@Resolver(() => Errand)
export class ErrandResolver {
  @FieldResolver(() => String, { description: 'The resident it was done for (personal data: masked unless your work needs it).' })
  residentName(@Root() e: Errand, @Ctx() ctx: RequestContext): string {
    return personalField(ctx, AUDIT, { recordType: 'Errand', recordId: e.id, field: 'residentName', path: e.path }, e.residentName, maskName) as string;
  }
}

export const errandPermissions: Permissions = {
  Errand: { '*': rules.recordInScope },
};

@Resolver(() => VolunteerTeam)
export class VolunteerTeamResolver {
  @FieldResolver(() => String, { description: 'Team leader (personal data: masked as 王* unless your work needs it).' })
  leaderName(@Root() team: VolunteerTeam, @Ctx() ctx: RequestContext): string {
    return personalField(
      ctx,
      AUDIT,
      { recordType: 'VolunteerTeam', recordId: team.id, field: 'leaderName', path: team.path },
      team.leaderName,
      maskName,
    ) as string;
  }

  @FieldResolver(() => VolunteerActivityConnection, { description: 'The team’s service activities.' })
  activities(@Root() team: VolunteerTeam, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<VolunteerActivity>> {
    return VolunteerService.activities(ctx, team.id, args);
  }

  @Mutation(() => VolunteerTeam, { description: 'Creates a volunteer team (community staff).' })
  createVolunteerTeam(@Arg('input', () => VolunteerTeamInput) input: VolunteerTeamInput, @Ctx() ctx: RequestContext): Promise<VolunteerTeam> {
    return VolunteerService.createTeam(ctx, input);
  }

  @Mutation(() => VolunteerActivity, { description: 'Records a service activity of a team (community staff).' })
  recordVolunteerActivity(@Arg('input', () => VolunteerActivityInput) input: VolunteerActivityInput, @Ctx() ctx: RequestContext): Promise<VolunteerActivity> {
    return VolunteerService.recordActivity(ctx, input);
  }
}

export const volunteerTeamPermissions: Permissions = {
  Mutation: { createVolunteerTeam: rules.unitStaff, recordVolunteerActivity: rules.unitStaff },
  VolunteerTeam: { '*': rules.recordInScope },
  VolunteerActivity: { '*': rules.recordInScope },
};

@Resolver(() => JointMeeting)
export class JointMeetingResolver {
  @FieldResolver(() => [Resolution], { description: 'Its resolutions with their follow-up.' })
  resolutions(@Root() m: JointMeeting, @Ctx() ctx: RequestContext): Promise<Resolution[]> {
    return JointMeetingService.resolutions(ctx, m.id);
  }

  @Mutation(() => JointMeeting, { description: 'Records a four-party joint meeting with its resolutions (community staff).' })
  recordJointMeeting(@Arg('input', () => JointMeetingInput) input: JointMeetingInput, @Ctx() ctx: RequestContext): Promise<JointMeeting> {
    return JointMeetingService.record(ctx, input);
  }

  @Mutation(() => Resolution, { description: 'Records the follow-up of a resolution (community staff).' })
  followUpResolution(@Arg('input', () => FollowUpInput) input: FollowUpInput, @Ctx() ctx: RequestContext): Promise<Resolution> {
    return JointMeetingService.followUp(ctx, input);
  }
}

export const jointMeetingPermissions: Permissions = {
  Mutation: { recordJointMeeting: rules.unitStaff, followUpResolution: rules.unitStaff },
  JointMeeting: { '*': rules.recordInScope },
  Resolution: { '*': rules.recordInScope },
};

@Resolver(() => Facility)
export class FacilityResolver {
  @Mutation(() => Facility, { description: 'Records a facility of a community (community staff).' })
  recordFacility(@Arg('input', () => FacilityInput) input: FacilityInput, @Ctx() ctx: RequestContext): Promise<Facility> {
    return FacilityService.record(ctx, input);
  }
}

export const facilityPermissions: Permissions = {
  Mutation: { recordFacility: rules.unitStaff },
  Facility: { '*': rules.recordInScope },
};
