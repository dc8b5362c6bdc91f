import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { and, or } from 'graphql-shield';
import { caseReader } from './case.rules';
import {
  assertUnitCode,
  connectionType,
  maskPhone,
  PageArgs,
  personalField,
  rules,
  type ConnectionData,
  type Permissions,
  type RequestContext,
} from '@cgp/core';
import { CaseAction, CaseCounts, CaseState, CaseTransition, GridCase } from './case.type';
import { CaseFilter, CaseOrder, CaseStepInput, ReportCaseInput } from './case.input';
import { CaseService } from './case.service';
import type { Step } from './case.workflow';

export const GridCaseConnection = connectionType(GridCase, 'GridCase', 'A page of grid cases.');
const AUDIT = 'grid.personal_data_read';

@Resolver(() => GridCase)
export class CaseResolver {
  @Query(() => GridCase, { nullable: true, description: 'A case in your subtree with its history, or null.' })
  gridCase(@Arg('id', () => ID, { description: 'The case id.' }) id: string, @Ctx() ctx: RequestContext): Promise<GridCase | null> {
    return CaseService.byId(ctx, id);
  }

  @Query(() => GridCaseConnection, {
    description: 'The cases waiting in your own unit’s queue (a grid’s, or a community’s or street office’s after escalation).',
  })
  caseQueue(
    @Ctx() ctx: RequestContext,
    @Args(() => PageArgs) args: PageArgs,
    @Arg('filter', () => CaseFilter, { nullable: true, description: 'Filters.' }) filter?: CaseFilter,
    @Arg('orderBy', () => CaseOrder, { defaultValue: CaseOrder.DEADLINE, description: 'Sort order.' }) orderBy: CaseOrder = CaseOrder.DEADLINE,
  ): Promise<ConnectionData<GridCase>> {
    return CaseService.list(ctx, { queueCode: ctx.identity.unit }, filter, orderBy, args);
  }

  @Query(() => GridCaseConnection, { description: 'All cases found anywhere in a unit’s subtree (default: your own unit).' })
  cases(
    @Ctx() ctx: RequestContext,
    @Args(() => PageArgs) args: PageArgs,
    @Arg('unitCode', () => String, { nullable: true, description: 'Unit whose subtree to list; inside your own.' }) unitCode?: string,
    @Arg('filter', () => CaseFilter, { nullable: true, description: 'Filters.' }) filter?: CaseFilter,
    @Arg('orderBy', () => CaseOrder, { defaultValue: CaseOrder.DEADLINE, description: 'Sort order.' }) orderBy: CaseOrder = CaseOrder.DEADLINE,
  ): Promise<ConnectionData<GridCase>> {
    if (unitCode) assertUnitCode(unitCode, undefined, 'unitCode');
    return CaseService.list(ctx, { unitCode: unitCode ?? ctx.identity.unit }, filter, orderBy, args);
  }

  @Query(() => CaseCounts, { description: 'Cases in a unit’s subtree by state, with how many are overdue.' })
  caseCounts(@Arg('unitCode', () => String, { description: 'A unit inside your subtree.' }) unitCode: string, @Ctx() ctx: RequestContext): Promise<CaseCounts> {
    assertUnitCode(unitCode, undefined, 'unitCode');
    return CaseService.counts(ctx, unitCode);
  }

  @Mutation(() => GridCase, {
    description:
      'Reports a case in a grid (grid staff; a building leader in their building; community staff on a resident’s behalf). It is received in the grid’s queue with its category’s deadline.',
  })
  reportCase(@Arg('input', () => ReportCaseInput) input: ReportCaseInput, @Ctx() ctx: RequestContext): Promise<GridCase> {
    return CaseService.report(ctx, input);
  }

  @Mutation(() => GridCase, { description: 'Dispatches a received case to its handler (grid manager).' })
  dispatchCase(@Arg('input', () => CaseStepInput) input: CaseStepInput, @Ctx() ctx: RequestContext) {
    return this.step(ctx, CaseAction.DISPATCH, input);
  }

  @Mutation(() => GridCase, { description: 'Rejects a received case as not a case (grid manager).' })
  rejectCase(@Arg('input', () => CaseStepInput) input: CaseStepInput, @Ctx() ctx: RequestContext) {
    return this.step(ctx, CaseAction.REJECT, input);
  }

  @Mutation(() => GridCase, { description: 'Starts handling a dispatched case (grid co-manager or manager).' })
  startCase(@Arg('input', () => CaseStepInput) input: CaseStepInput, @Ctx() ctx: RequestContext) {
    return this.step(ctx, CaseAction.START, input);
  }

  @Mutation(() => GridCase, { description: 'Returns the result to the reporter (grid co-manager or manager).' })
  returnCase(@Arg('input', () => CaseStepInput) input: CaseStepInput, @Ctx() ctx: RequestContext) {
    return this.step(ctx, CaseAction.RETURN, input);
  }

  @Mutation(() => GridCase, { description: 'Checks a returned case and closes it (grid supervisor).' })
  closeCase(@Arg('input', () => CaseStepInput) input: CaseStepInput, @Ctx() ctx: RequestContext) {
    return this.step(ctx, CaseAction.CLOSE, input);
  }

  @Mutation(() => GridCase, { description: 'Sends a returned case back to handling when the check fails (grid supervisor).' })
  reopenCase(@Arg('input', () => CaseStepInput) input: CaseStepInput, @Ctx() ctx: RequestContext) {
    return this.step(ctx, CaseAction.REOPEN, input);
  }

  @Mutation(() => GridCase, {
    description: 'Moves a dispute up one mediation level: WINDOW → JOINT (the community’s queue) → KEY (the street office’s queue).',
  })
  escalateCase(@Arg('input', () => CaseStepInput) input: CaseStepInput, @Ctx() ctx: RequestContext) {
    return this.step(ctx, CaseAction.ESCALATE, input);
  }

  private step(ctx: RequestContext, action: Step, input: CaseStepInput): Promise<GridCase> {
    return CaseService.step(ctx, action, input);
  }

  @FieldResolver(() => Boolean, { description: 'Open (not closed or rejected) and past its deadline.' })
  overdue(@Root() c: GridCase): boolean {
    return c.state !== CaseState.CLOSED && c.state !== CaseState.REJECTED && c.deadline.getTime() < Date.now();
  }

  @FieldResolver(() => [CaseTransition], { description: 'Every step, oldest first: from, to, who, when, note.' })
  history(@Root() c: GridCase, @Ctx() ctx: RequestContext): Promise<CaseTransition[]> {
    return CaseService.history(ctx, c.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The resident who reported it (personal data: masked unless your work needs it).' })
  reporterName(@Root() c: GridCase, @Ctx() ctx: RequestContext): string | null {
    return personalField(
      ctx,
      AUDIT,
      { recordType: 'GridCase', recordId: c.id, field: 'reporterName', path: c.path },
      c.reporterName,
      (v) => v && `${v.slice(0, 1)}*`,
    );
  }

  @FieldResolver(() => String, { nullable: true, description: 'The resident’s phone (personal data: masked unless your work needs it).' })
  reporterPhone(@Root() c: GridCase, @Ctx() ctx: RequestContext): string | null {
    return personalField(ctx, AUDIT, { recordType: 'GridCase', recordId: c.id, field: 'reporterPhone', path: c.path }, c.reporterPhone, maskPhone);
  }
}

export const casePermissions: Permissions = {
  Query: {
    // Residents and the hotline too: GridCase's rule (caseReader) opens their household's or tickets' cases only.
    gridCase: or(rules.unitStaff, rules.resident, rules.hotline),
    caseQueue: rules.unitStaff,
    cases: and(rules.unitStaff, rules.codeArgInScope),
    caseCounts: and(rules.unitStaff, rules.codeArgInScope),
  },
  // Who may take each step is decided by the workflow (case.workflow.ts), from the caller's roles and the case's queue.
  Mutation: { '*': rules.unitStaff },
  GridCase: { '*': caseReader, handlerSub: rules.recordInScope },
  CaseTransition: { '*': rules.allow },
  CaseCounts: { '*': rules.allow },
};
