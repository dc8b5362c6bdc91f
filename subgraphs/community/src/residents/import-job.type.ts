import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ImportJobState {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ImportJobState, {
  name: 'ResidentImportState',
  description: 'Where a residents import job is.',
  valuesConfig: {
    QUEUED: { description: 'Submitted, waiting for the import worker.' },
    RUNNING: { description: 'Being checked (rowsChecked rises), then written (rowsWritten rises).' },
    SUCCEEDED: { description: 'Every row was imported (see report).' },
    FAILED: { description: 'Nothing was imported: see badRows (every bad row) and message.' },
    CANCELLED: { description: 'Cancelled before it was committed: nothing was imported.' },
  },
});

@ObjectType({ description: 'What an import of residents created.' })
export class ImportReport {
  @Field(() => Int, { description: 'Data rows in the file (the header not counted).' }) rows: number;
  @Field(() => Int, { description: 'Residents created.' }) residentsCreated: number;
  @Field(() => Int, { description: 'Households created.' }) householdsCreated: number;
  @Field(() => Int, { description: 'Existing households (same building and room) the new residents joined.' }) householdsReused: number;
}

@ObjectType({ description: 'One bad row of a residents file.' })
export class ImportRowError {
  @Field(() => Int, { description: 'Its line in the file (the header is line 1).' }) line: number;
  @Field(() => String, { nullable: true, description: 'The column at fault; null when the row as a whole is (e.g. a wrong number of fields).' }) column:
    string | null;
  @Field(() => String, { description: 'What is wrong, and so what to fix.' }) reason: string;
}

@ObjectType({ description: 'A residents import running as a job: all or nothing, with its progress and result.' })
export class ResidentImportJob {
  @Field(() => ID, { description: 'The job’s id (ask residentImportJob(id) for its progress).' }) id: string;
  @Field(() => String, { description: '12-digit code of the community the residents are imported into.' }) communityCode: string;
  @Field(() => ImportJobState, { description: 'Where the job is.' }) state: ImportJobState;
  @Field(() => String, { description: 'Who submitted it (the token’s subject).' }) submittedBy: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was submitted.' }) submittedAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the worker started it (last start, should it have been resumed); null while queued.' })
  startedAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it ended (succeeded, failed or cancelled); null before.' }) finishedAt: Date | null;
  @Field(() => Int, { description: 'Data rows in the file (the header not counted); 0 until the file is read.' }) rowsTotal: number;
  @Field(() => Int, { description: 'Rows checked so far.' }) rowsChecked: number;
  @Field(() => Int, { description: 'Rows written so far, in the job’s own transaction: none of them is visible (or kept) unless the job succeeds.' })
  rowsWritten: number;
  @Field(() => Boolean, { description: 'Whether cancelling was asked for (a running job stops at its next batch).' }) cancelRequested: boolean;
  @Field(() => ImportReport, { nullable: true, description: 'The counts of a succeeded job; null otherwise.' }) report: ImportReport | null;
  @Field(() => Int, { description: 'How many bad rows the file has (0 unless the job failed on them).' }) badRowCount: number;
  @Field(() => [ImportRowError], { description: 'Every bad row of a failed job, by line (at most `first`).' }) badRows: ImportRowError[];
  @Field(() => String, { nullable: true, description: 'Why the job failed or was cancelled, in words; null otherwise.' }) message: string | null;
  /** The community's path (for the scope rules); not in the schema. */
  path: string;
}

/** The job's columns as ResidentImportJob (the file itself is never read back). */
export const JOB_COLUMNS = `id::text AS id, community_code AS "communityCode", state, submitted_by AS "submittedBy", submitted_at AS "submittedAt",
  started_at AS "startedAt", finished_at AS "finishedAt", rows_total AS "rowsTotal", rows_checked AS "rowsChecked", rows_written AS "rowsWritten",
  cancel_requested AS "cancelRequested", jsonb_array_length(bad_rows) AS "badRowCount", message, path::text AS path,
  CASE WHEN state = 'SUCCEEDED' THEN jsonb_build_object('rows', rows_total, 'residentsCreated', residents_created, 'householdsCreated', households_created, 'householdsReused', households_reused) END AS report`;
