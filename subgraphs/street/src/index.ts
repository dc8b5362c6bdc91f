import 'reflect-metadata';
import { and } from 'graphql-shield';
import { buildFederatedSchema, CallerKind, Role, rules, unitTypeRules, type SubgraphDefinition } from '@cgp/core';
import { Street } from './street.entity';
import { DistrictStreetsResolver, StreetResolver, streetReferenceResolvers } from './street.resolver';
import { AdminTask, Community, TaskAssignment } from './task.entity';
import { CommunityTasksResolver, TaskAssignmentResolver, TaskResolver } from './task.resolver';
import { taskStatisticsResolvers, taskUnitStubs } from './task.statistics';
import { callerKind, ownCommunityArg, taskVisible, unitCodeArgInScope } from './task.rules';
import { CreateStreet1732000000000 } from './migrations/1732000000000-create-street';
import { StreetRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { CreateTasks1732000002000 } from './migrations/1732000002000-create-tasks';
import { TaskRowLevelSecurity1732000003000 } from './migrations/1732000003000-task-row-level-security';
import { seedStreet } from './seed';

const staff = rules.hasRole(Role.STAFF);
const streetStaff = and(rules.unitStaff, callerKind(CallerKind.STREET), staff);
const communityStaff = and(rules.unitStaff, callerKind(CallerKind.COMMUNITY), staff, ownCommunityArg);

export const streetSubgraph: SubgraphDefinition = {
  name: 'street',
  entities: [Street, AdminTask, TaskAssignment],
  migrations: [CreateStreet1732000000000, StreetRowLevelSecurity1732000001000, CreateTasks1732000002000, TaskRowLevelSecurity1732000003000],
  permissions: {
    Query: {
      street: rules.codeArgVisible,
      streets: rules.unitStaff,
      task: rules.unitStaff,
      tasks: rules.unitStaff,
      taskBurdens: and(rules.unitStaff, unitCodeArgInScope),
    },
    Mutation: {
      submitTask: and(rules.unitStaff, callerKind(CallerKind.DISTRICT, CallerKind.STREET), staff),
      admitTask: streetStaff,
      rejectTask: streetStaff,
      refuseTask: communityStaff,
      completeTask: communityStaff,
    },
    Street: unitTypeRules(),
    District: { code: rules.unitBreadcrumb, streets: rules.unitFull, taskStatistics: rules.unitFull, taskTrend: rules.unitFull, taskRanking: rules.unitFull },
    Community: { code: rules.unitBreadcrumb, tasks: rules.unitFull, taskBurden: rules.unitFull, taskStatistics: rules.unitFull, taskTrend: rules.unitFull },
    Grid: { code: rules.unitBreadcrumb },
    Building: { code: rules.unitBreadcrumb },
    AdminTask: { '*': taskVisible },
    TaskAssignment: { '*': rules.recordInScope },
    TaskBurden: { '*': rules.allow },
    TaskStatistics: { '*': rules.allow },
    MonthlyTaskCount: { '*': rules.allow },
    RankedTaskUnit: { '*': rules.allow },
    CommunityTaskBurden: { '*': rules.recordInScope },
  },
  seed: seedStreet,
  buildSchema: () =>
    buildFederatedSchema(
      {
        resolvers: [StreetResolver, DistrictStreetsResolver, TaskResolver, TaskAssignmentResolver, CommunityTasksResolver, ...taskStatisticsResolvers],
        orphanedTypes: [Community, ...taskUnitStubs],
      },
      streetReferenceResolvers,
    ),
};
