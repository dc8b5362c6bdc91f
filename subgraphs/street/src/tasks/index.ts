import { defineFeature } from '@cgp/core';
import { CreateTasks1732000002000 } from './migrations/1732000002000-create-tasks';
import { TaskRowLevelSecurity1732000003000 } from './migrations/1732000003000-task-row-level-security';
import { taskFigures } from './task.figures';
import {
  CommunityTasksResolver,
  communityTasksPermissions,
  TaskAssignmentResolver,
  taskAssignmentPermissions,
  TaskResolver,
  taskPermissions,
} from './task.resolver';
import { seedTasks } from './task.seed';

/** Task admission (申报准入): departments' administrative tasks, the street office's decision, the communities' shares and their figures. */
export const tasks = defineFeature({
  name: 'tasks',
  resolvers: [TaskResolver, TaskAssignmentResolver, CommunityTasksResolver],
  permissions: [taskPermissions, taskAssignmentPermissions, communityTasksPermissions],
  migrations: [CreateTasks1732000002000, TaskRowLevelSecurity1732000003000],
  seed: seedTasks,
  figures: [taskFigures],
});
