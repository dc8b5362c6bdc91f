import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertUnitCode, rules, Tier, type Permissions, type RequestContext } from '@cgp/core';
import { ImportJobService } from './import-job.service';
import { ImportRowError, ResidentImportJob } from './import-job.type';
import { IMPORT_MAX_ROWS, IMPORT_SYNC_MAX_ROWS } from './resident-import';

@Resolver(() => ResidentImportJob)
export class ResidentImportJobResolver {
  @Mutation(() => ResidentImportJob, {
    description:
      'Submits a residents CSV file for import into your community (community STAFF only) and returns at once with the job (state QUEUED): ' +
      'follow it with residentImportJob(id) (rowsChecked, rowsWritten, state), cancel it with cancelResidentImport. Same columns and rules as ' +
      `importResidents, all or nothing: a file with any bad row ends FAILED with every bad row in badRows, nothing written. At most 5 MB and ${IMPORT_MAX_ROWS.toLocaleString('en')} rows per file; ` +
      'the size, the header and the number of rows are checked at once (BAD_USER_INPUT).',
  })
  submitResidentImport(
    @Arg('communityCode', () => String, { description: '12-digit code of your community.' }) communityCode: string,
    @Arg('csv', () => String, { description: 'The file’s content, UTF-8, with a header line.' }) csv: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ResidentImportJob> {
    assertUnitCode(communityCode, Tier.COMMUNITY, 'communityCode');
    return ImportJobService.submit(ctx, communityCode, csv);
  }

  @Mutation(() => ResidentImportJob, {
    description:
      'Cancels a residents import job of your community (community STAFF): a queued job at once (CANCELLED), a running one at its next batch ' +
      '(cancelRequested is true until it is CANCELLED); nothing of a cancelled job is written. A job that has ended answers BAD_USER_INPUT.',
  })
  cancelResidentImport(@Arg('id', () => ID, { description: 'The job’s id.' }) id: string, @Ctx() ctx: RequestContext): Promise<ResidentImportJob> {
    return ImportJobService.cancel(ctx, id);
  }

  @Query(() => ResidentImportJob, { nullable: true, description: 'A residents import job in your subtree, or null (also for jobs outside it).' })
  residentImportJob(@Arg('id', () => ID, { description: 'The job’s id.' }) id: string, @Ctx() ctx: RequestContext): Promise<ResidentImportJob | null> {
    return ImportJobService.job(ctx, id);
  }

  @Query(() => [ResidentImportJob], { description: 'The latest residents import jobs of a community in your subtree, newest first.' })
  residentImportJobs(
    @Arg('communityCode', () => String, { description: '12-digit code of the community.' }) communityCode: string,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many (1-100).' }) first: number,
  ): Promise<ResidentImportJob[]> {
    assertUnitCode(communityCode, Tier.COMMUNITY, 'communityCode');
    return ImportJobService.jobs(ctx, communityCode, first);
  }

  @FieldResolver(() => [ImportRowError], {
    description: `Every bad row of a failed job, by line (page with afterLine); empty otherwise. importResidents answers files of at most ${IMPORT_SYNC_MAX_ROWS} rows synchronously.`,
  })
  badRows(
    @Root() job: ResidentImportJob,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 1000, description: 'How many (1-50000).' }) first: number,
    @Arg('afterLine', () => Int, { defaultValue: 0, description: 'Only rows after this line.' }) afterLine: number,
  ): Promise<ImportRowError[]> {
    return ImportJobService.badRows(ctx, job, first, afterLine);
  }
}

export const residentImportJobPermissions: Permissions = {
  // Jobs of the caller's subtree only (the service filters by scope, row-level security too).
  Query: { residentImportJob: rules.unitStaff, residentImportJobs: rules.unitStaff },
  // Community STAFF of the community only; the service checks the tier, unit and role.
  Mutation: { submitResidentImport: rules.unitStaff, cancelResidentImport: rules.unitStaff },
  ResidentImportJob: { '*': rules.recordInScope },
  ImportRowError: { '*': rules.allow },
};
