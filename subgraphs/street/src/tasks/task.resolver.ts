import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { and } from 'graphql-shield';
import { assertUnitCode, CallerKind, connectionType, PageArgs, Role, rules, type ConnectionData, type Permissions, type RequestContext } from '@cgp/core';
import { Community } from '../units/community.type';
import { Street } from '../units/street.type';
import { StreetService } from '../units/street.service';
import { AdminTask, CommunityTaskBurden, TaskAssignment, TaskAssignmentStatus, TaskBurden, TaskStatus } from './task.type';
import { CompleteTaskArgs, RefuseTaskArgs, SubmitTaskInput, TaskDecisionArgs, TaskFilter } from './task.input';
import { callerKind, ownCommunityArg, taskVisible, unitCodeArgInScope } from './task.rules';
import { TaskService } from './task.service';

export const AdminTaskConnection = connectionType(AdminTask, 'AdminTask', 'A page of administrative tasks, newest first.');
export const TaskAssignmentConnection = connectionType(
  TaskAssignment,
  'TaskAssignment',
  "A page of task assignments (communities' shares of administrative tasks), newest task first.",
);

@Resolver(() => AdminTask)
export class TaskResolver {
  @Query(() => AdminTask, { nullable: true, description: 'The administrative task with this id, or null when there is none in your subtree.' })
  task(@Arg('id', () => ID, { description: 'The task’s id.' }) id: string, @Ctx() ctx: RequestContext): Promise<AdminTask | null> {
    return TaskService.task(ctx, id);
  }

  @Query(() => AdminTaskConnection, {
    description:
      'Administrative tasks whose street office or assigned communities lie in your subtree (a community sees the tasks assigned to it), newest first.',
  })
  tasks(
    @Arg('filter', () => TaskFilter, { nullable: true, description: 'Which tasks to list; all when omitted.' }) filter: TaskFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionData<AdminTask>> {
    return TaskService.list(ctx, filter, page);
  }

  @Query(() => [CommunityTaskBurden], {
    description:
      'Every community with administrative tasks in this unit’s subtree, with its task burden, most open tasks first. The unit must be in your subtree.',
  })
  taskBurdens(
    @Arg('unitCode', () => String, { description: 'Code of a unit in your subtree (any tier).' }) unitCode: string,
    @Ctx() ctx: RequestContext,
  ): Promise<CommunityTaskBurden[]> {
    assertUnitCode(unitCode, undefined, 'unitCode');
    return TaskService.burdens(ctx, unitCode);
  }

  @Query(() => TaskAssignmentConnection, {
    description:
      'The communities’ shares of administrative tasks in this unit’s subtree, newest task first: the records behind the unit’s task figures (status ADMITTED: the open ones). The unit must be in your subtree.',
  })
  taskAssignments(
    @Arg('unitCode', () => String, { description: 'Code of a unit in your subtree (district, street office or community).' }) unitCode: string,
    @Arg('status', () => TaskAssignmentStatus, { nullable: true, description: 'Only assignments in this status; all when omitted.' })
    status: TaskAssignmentStatus | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionData<TaskAssignment>> {
    assertUnitCode(unitCode, undefined, 'unitCode');
    return TaskService.assignmentsUnder(ctx, unitCode, status, page);
  }

  @Mutation(() => AdminTask, {
    description:
      'Submits a department’s administrative task to a street office for admission, for some of its communities, with its money (split equally unless fundingShares are given). District or street staff whose subtree holds the street.',
  })
  submitTask(@Arg('input', () => SubmitTaskInput, { description: 'The task.' }) input: SubmitTaskInput, @Ctx() ctx: RequestContext): Promise<AdminTask> {
    return TaskService.submit(ctx, input);
  }

  @Mutation(() => AdminTask, {
    description:
      'Admits a submitted task (only with funding: "费随事转"): its communities must then do it. Staff of the task’s street office; CONFLICT when the version changed.',
  })
  admitTask(@Args(() => TaskDecisionArgs) args: TaskDecisionArgs, @Ctx() ctx: RequestContext): Promise<AdminTask> {
    return TaskService.decide(ctx, args, TaskStatus.ADMITTED);
  }

  @Mutation(() => AdminTask, {
    description:
      'Rejects a submitted task: its communities need not do it (they may refuse it). Staff of the task’s street office; CONFLICT when the version changed.',
  })
  rejectTask(@Args(() => TaskDecisionArgs) args: TaskDecisionArgs, @Ctx() ctx: RequestContext): Promise<AdminTask> {
    return TaskService.decide(ctx, args, TaskStatus.REJECTED);
  }

  @Mutation(() => TaskAssignment, { description: 'Your community refuses a task the street office has not admitted. Staff of that community.' })
  refuseTask(@Args(() => RefuseTaskArgs) args: RefuseTaskArgs, @Ctx() ctx: RequestContext): Promise<TaskAssignment> {
    return TaskService.refuse(ctx, args);
  }

  @Mutation(() => TaskAssignment, { description: 'Your community marks its share of an admitted task done. Staff of that community.' })
  completeTask(@Args(() => CompleteTaskArgs) args: CompleteTaskArgs, @Ctx() ctx: RequestContext): Promise<TaskAssignment> {
    return TaskService.complete(ctx, args);
  }

  @FieldResolver(() => Street, { description: 'The street office that decides on the task.' })
  async street(@Root() task: AdminTask, @Ctx() ctx: RequestContext): Promise<Street> {
    return (await StreetService.byCode(ctx, task.streetCode)) ?? ({ code: task.streetCode, path: task.path } as Street);
  }

  @FieldResolver(() => [TaskAssignment], { description: 'The communities the task is for, by code (only those in your subtree).' })
  assignments(@Root() task: AdminTask, @Ctx() ctx: RequestContext): Promise<TaskAssignment[]> {
    return TaskService.assignmentsOfTask(ctx, task.id);
  }
}

const staff = rules.hasRole(Role.STAFF);
const streetStaff = and(rules.unitStaff, callerKind(CallerKind.STREET), staff);
const communityStaff = and(rules.unitStaff, callerKind(CallerKind.COMMUNITY), staff, ownCommunityArg);

export const taskPermissions: Permissions = {
  Query: {
    task: rules.unitStaff,
    tasks: rules.unitStaff,
    taskBurdens: and(rules.unitStaff, unitCodeArgInScope),
    taskAssignments: and(rules.unitStaff, unitCodeArgInScope),
  },
  Mutation: {
    submitTask: and(rules.unitStaff, callerKind(CallerKind.DISTRICT, CallerKind.STREET), staff),
    admitTask: streetStaff,
    rejectTask: streetStaff,
    refuseTask: communityStaff,
    completeTask: communityStaff,
  },
  AdminTask: { '*': taskVisible },
  CommunityTaskBurden: { '*': rules.recordInScope },
};

@Resolver(() => TaskAssignment)
export class TaskAssignmentResolver {
  @FieldResolver(() => AdminTask, { description: 'The task.' })
  async task(@Root() assignment: TaskAssignment, @Ctx() ctx: RequestContext): Promise<AdminTask> {
    return (await TaskService.byId(ctx, assignment.taskId)) as AdminTask;
  }

  @FieldResolver(() => Community, { description: 'The community the share is for.' })
  community(@Root() assignment: TaskAssignment): Community {
    return { code: assignment.communityCode };
  }
}

export const taskAssignmentPermissions: Permissions = {
  TaskAssignment: { '*': rules.recordInScope },
};

@Resolver(() => Community)
export class CommunityTasksResolver {
  @FieldResolver(() => [TaskAssignment], { description: 'Administrative tasks assigned to this community (its share of each), newest first.' })
  tasks(
    @Root() community: Community,
    @Arg('status', () => TaskAssignmentStatus, { nullable: true, description: 'Only assignments in this status; all when omitted.' })
    status: TaskAssignmentStatus | null,
    @Ctx() ctx: RequestContext,
  ): Promise<TaskAssignment[]> {
    return TaskService.assignmentsOfCommunity(ctx, community.code, status);
  }

  @FieldResolver(() => TaskBurden, { description: 'How many administrative tasks this community carries, and the money that came with them.' })
  taskBurden(@Root() community: Community, @Ctx() ctx: RequestContext): Promise<TaskBurden> {
    return TaskService.burdenOf(ctx, community.code);
  }
}

export const communityTasksPermissions: Permissions = {
  Community: { tasks: rules.unitFull, taskBurden: rules.unitFull },
  TaskBurden: { '*': rules.allow },
};
