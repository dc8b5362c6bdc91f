import { Ctx, Query, Resolver } from 'type-graphql';
import { rules, type Permissions, type RequestContext } from '@cgp/core';
import { Caller } from './caller.type';

@Resolver(() => Caller)
export class CallerResolver {
  @Query(() => Caller, { description: 'The caller: tier, unit and roles. Everything else it may see is scoped to that unit.' })
  me(@Ctx() ctx: RequestContext): Caller {
    const { sub, kind, unit, roles, org, intake, household } = ctx.identity;
    return { sub, tier: kind, unit: unit ?? intake?.unit ?? null, roles, org: org ?? null, household: household ?? null };
  }
}

export const callerPermissions: Permissions = {
  // Anyone with a verified token may ask who they are.
  Query: { me: rules.allow },
  Caller: { '*': rules.allow },
};
