import { Arg, Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { and } from 'graphql-shield';
import { assertUnitCode, connectionType, mayReadPersonalData, PageArgs, rules, type ConnectionData, type Permissions, type RequestContext } from '@cgp/core';
import { DateScalar } from './date.scalar';
import { MustVisitService } from './must-visit.service';
import { MustVisit, MustVisitRule, VisitCounts, VisitStatus, VisitsDue } from './must-visit.type';
import { ResidentService } from './resident.service';
import { Resident, Visit } from './resident.type';

export const MustVisitConnection = connectionType(MustVisit, 'MustVisit', 'A page of must-visits, by due date.');

@Resolver(() => VisitsDue)
export class VisitsDueResolver {
  @Query(() => VisitsDue, {
    description:
      'The "four must-visits" (四必访) in a unit’s subtree for a year: the elderly aged 70 or over and the disabled before New Year and Spring Festival, ' +
      'a family’s major event, a hospital stay, and the birthday of anyone over 90 — who, why, by when, and DUE, DONE or LATE as on asOf.',
  })
  visitsDue(
    @Arg('unitCode', () => String, { description: 'A unit inside your subtree (any tier).' }) unitCode: string,
    @Arg('year', () => Int, {
      description:
        'The year, e.g. 2026; its Spring Festival must be in the festival calendar (see festivals; district staff add years with setSpringFestival).',
    })
    year: number,
    @Ctx() ctx: RequestContext,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'The date statuses are computed for; default today (China time).' }) asOf?: string | null,
  ): Promise<VisitsDue> {
    assertUnitCode(unitCode, undefined, 'unitCode');
    return MustVisitService.due(ctx, unitCode, year, asOf);
  }

  @FieldResolver(() => VisitCounts, { description: 'How many must-visits are due, done and late in the subtree.' })
  counts(@Root() due: VisitsDue, @Ctx() ctx: RequestContext): Promise<VisitCounts> {
    return MustVisitService.counts(ctx, due);
  }

  @FieldResolver(() => MustVisitConnection, { description: 'The must-visits, by due date.' })
  items(
    @Root() due: VisitsDue,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: RequestContext,
    @Arg('status', () => VisitStatus, { nullable: true, description: 'Only must-visits with this status.' }) status?: VisitStatus | null,
    @Arg('rule', () => MustVisitRule, { nullable: true, description: 'Only must-visits by this rule.' }) rule?: MustVisitRule | null,
  ): Promise<ConnectionData<MustVisit>> {
    return MustVisitService.items(ctx, due, { status, rule }, args);
  }
}

export const visitsDuePermissions: Permissions = {
  Query: { visitsDue: and(rules.unitStaff, rules.codeArgInScope) },
  VisitsDue: { '*': rules.recordInScope },
  VisitCounts: { '*': rules.allow },
};

/**
 * A must-visit tells more about its resident than the masked resident does: a birthday gives the
 * birth date hidden in the ID-card number, a festival visit under 70 a disability. So who it is (and
 * the visit, which names the resident) is given only to the staff who may read the resident's
 * personal data; street and district staff see the occasions and their status, not the person.
 */
@Resolver(() => MustVisit)
export class MustVisitResolver {
  @FieldResolver(() => Resident, {
    nullable: true,
    description:
      'Who is to be visited: for the staff of the resident’s own community, grid and building; null for everyone else (the occasion would reveal a birth date or a disability).',
  })
  resident(@Root() m: MustVisit, @Ctx() ctx: RequestContext) {
    return mayReadPersonalData(ctx.identity, m.residentPath) ? ResidentService.resident(ctx, m.residentId) : null;
  }

  @FieldResolver(() => Visit, {
    nullable: true,
    description: 'The visit that did it, when DONE; like resident, only for the staff of the resident’s own community, grid and building.',
  })
  visit(@Root() m: MustVisit, @Ctx() ctx: RequestContext) {
    return m.visitId && mayReadPersonalData(ctx.identity, m.residentPath) ? ResidentService.visit(ctx, m.visitId) : null;
  }
}

export const mustVisitPermissions: Permissions = {
  // Who it is (resident, visit) only for the staff who may read the resident's personal data: the resolvers decide.
  MustVisit: { '*': rules.allow },
};
