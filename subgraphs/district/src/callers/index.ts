import { defineFeature } from '@cgp/core';
import { CallerResolver, callerPermissions } from './caller.resolver';

/** Query.me: who the verified token says is calling (no tables of its own). */
export const callers = defineFeature({
  name: 'callers',
  resolvers: [CallerResolver],
  permissions: callerPermissions,
  migrations: [],
});
