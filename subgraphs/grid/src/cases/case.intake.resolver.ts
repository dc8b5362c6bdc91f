import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { or } from 'graphql-shield';
import { PageArgs, personalField, rules, type ConnectionData, type Permissions, type RequestContext } from '@cgp/core';
import { CaseAttachment, CaseRating, GridCase, HotlineReply } from './case.type';
import { CaseFilter, CaseInformationInput, CaseOrder, CaseRatingInput, CaseStepInput, HotlineTicketInput, ResidentCaseInput } from './case.input';
import { AttachmentService } from './case.attachment';
import { IntakeService } from './case.intake';
import { CaseService } from './case.service';
import { GridCaseConnection } from './case.resolver';
import { caseReader } from './case.rules';

const AUDIT = 'grid.personal_data_read';

/** Residents and the hotline (issue 15): their cases, questions, ratings and replies; handlers' own queues; files. */
@Resolver(() => GridCase)
export class CaseIntakeResolver {
  @Query(() => GridCaseConnection, { description: 'Residents: the cases your household reported, newest first.' })
  myCases(@Ctx() ctx: RequestContext, @Args(() => PageArgs) args: PageArgs): Promise<ConnectionData<GridCase>> {
    const { household, intake } = ctx.identity;
    return CaseService.list(ctx, { household: { id: household as string, path: (intake as { path: string }).path } }, null, CaseOrder.NEWEST, args);
  }

  @Query(() => GridCaseConnection, {
    description: 'Staff: the cases dispatched to you as their handler ("my cases"), in your subtree, soonest deadline first.',
  })
  myAssignedCases(
    @Ctx() ctx: RequestContext,
    @Args(() => PageArgs) args: PageArgs,
    @Arg('filter', () => CaseFilter, { nullable: true, description: 'Filters.' }) filter?: CaseFilter,
  ): Promise<ConnectionData<GridCase>> {
    return CaseService.list(ctx, { handlerSub: ctx.identity.sub }, filter, CaseOrder.DEADLINE, args);
  }

  @Query(() => HotlineReply, { nullable: true, description: 'The hotline: the reply to one of its tickets (result, handler, time), or null.' })
  hotlineReply(
    @Arg('ticketNumber', () => String, { description: 'The hotline’s ticket number.' }) ticketNumber: string,
    @Ctx() ctx: RequestContext,
  ): Promise<HotlineReply | null> {
    return IntakeService.reply(ctx, ticketNumber);
  }

  @Query(() => CaseAttachment, { nullable: true, description: 'A file of a case you may read, or null.' })
  caseAttachment(@Arg('id', () => ID, { description: 'The file’s id.' }) id: string, @Ctx() ctx: RequestContext): Promise<CaseAttachment | null> {
    return AttachmentService.byId(ctx, id);
  }

  @Mutation(() => GridCase, {
    description:
      'Residents: reports a case in your own community, with its place (building or grid, location, address) and up to 3 photos or documents. It is received in the grid’s queue.',
  })
  reportMyCase(@Arg('input', () => ResidentCaseInput) input: ResidentCaseInput, @Ctx() ctx: RequestContext): Promise<GridCase> {
    return IntakeService.reportMyCase(ctx, input);
  }

  @Mutation(() => GridCase, {
    description: 'Asks the resident who reported a dispatched or in-progress case for information (`note`: the question); whoever handles it in its queue.',
  })
  requestCaseInformation(@Arg('input', () => CaseStepInput) input: CaseStepInput, @Ctx() ctx: RequestContext): Promise<GridCase> {
    return IntakeService.requestInformation(ctx, input);
  }

  @Mutation(() => GridCase, { description: 'Residents: answers the handler’s question on your case, with files if you like.' })
  addCaseInformation(@Arg('input', () => CaseInformationInput) input: CaseInformationInput, @Ctx() ctx: RequestContext): Promise<GridCase> {
    return IntakeService.addInformation(ctx, input);
  }

  @Mutation(() => GridCase, {
    description:
      'Residents: rates your closed case. Not satisfied (with a reason) sends it back to its handler the first time, and to the community’s queue the second.',
  })
  rateCase(@Arg('input', () => CaseRatingInput) input: CaseRatingInput, @Ctx() ctx: RequestContext): Promise<GridCase> {
    return IntakeService.rate(ctx, input);
  }

  @Mutation(() => GridCase, {
    description:
      'The hotline: files a work order as a case in the grid of its building (or the grid given), with its ticket number, category and deadline class. The same ticket filed again answers the same case.',
  })
  fileHotlineTicket(@Arg('input', () => HotlineTicketInput) input: HotlineTicketInput, @Ctx() ctx: RequestContext): Promise<GridCase> {
    return IntakeService.fileTicket(ctx, input);
  }

  @FieldResolver(() => [CaseAttachment], { description: 'Photos and documents: with the report, with information added, and the handler’s evidence.' })
  attachments(@Root() c: GridCase, @Ctx() ctx: RequestContext): Promise<CaseAttachment[]> {
    return AttachmentService.ofCase(ctx, c.id);
  }

  @FieldResolver(() => [CaseRating], { description: 'The reporting resident’s ratings of its results, oldest first.' })
  ratings(@Root() c: GridCase, @Ctx() ctx: RequestContext): Promise<CaseRating[]> {
    return IntakeService.ratings(ctx, c.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The address given (personal data: masked unless your work needs it).' })
  address(@Root() c: GridCase, @Ctx() ctx: RequestContext): string | null {
    return personalField(ctx, AUDIT, { recordType: 'GridCase', recordId: c.id, field: 'address', path: c.path }, c.address, (v) => v && `${v.slice(0, 6)}***`);
  }
}

export const caseIntakePermissions: Permissions = {
  Query: {
    myCases: rules.resident,
    myAssignedCases: rules.unitStaff,
    hotlineReply: rules.hotline,
    // The file's own rule (caseReader, on CaseAttachment) decides; an unknown or unreadable id is null or FORBIDDEN.
    caseAttachment: or(rules.unitStaff, rules.resident, rules.hotline),
  },
  Mutation: {
    reportMyCase: rules.resident,
    addCaseInformation: rules.resident,
    rateCase: rules.resident,
    // Who may ask is decided by the workflow (infoRequestRole), from the caller's roles and the case's queue.
    requestCaseInformation: rules.unitStaff,
    fileHotlineTicket: rules.hotline,
  },
  CaseAttachment: { '*': caseReader },
  CaseRating: { '*': rules.allow },
  HotlineReply: { '*': caseReader },
};

@Resolver(() => CaseAttachment)
export class CaseAttachmentResolver {
  @FieldResolver(() => String, { description: 'The file’s bytes in base64 (the gateway’s download route serves them as the file itself).' })
  contentBase64(@Root() a: CaseAttachment, @Ctx() ctx: RequestContext): Promise<string> {
    return AttachmentService.content(ctx, a.id);
  }
}
