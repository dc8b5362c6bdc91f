import { defineFeature } from '@cgp/core';
import { CaseHandler1732000140000 } from './migrations/1732000140000-case-handler';
import { CaseIntake1732000152000 } from './migrations/1732000152000-case-intake';
import { caseFigures } from './case.figures';
import { caseReference } from './case.reference';
import { CaseResolver, casePermissions } from './case.resolver';
import { CaseAttachmentResolver, CaseIntakeResolver, caseIntakePermissions } from './case.intake.resolver';
import { seedCases } from './case.seed';
import { CreateCases1732000002000 } from './migrations/1732000002000-create-cases';
import {
  CaseDeadlineSteps1732000170200,
  GridJobQueues1732000170000,
  GridNotifications1732000170100,
  GridOutbox1732000170300,
  GridWebhookSubscriptions1732000170400,
} from './migrations/1732000170000-case-deadline-jobs';
import { CaseSummaries1732000180000 } from './migrations/1732000180000-case-summaries';
import { caseDeadlineWorker } from './case.deadlines';
import { gridRelay } from './case.events';

/** Grid cases (事件): reported, dispatched, handled, returned, checked and closed, escalated as disputes; and their figures. */
export const cases = defineFeature({
  name: 'cases',
  resolvers: [CaseResolver, CaseIntakeResolver, CaseAttachmentResolver],
  // The staff workflow's rules, then the intake's (residents, the hotline, files, handlers' own queues).
  permissions: [casePermissions, caseIntakePermissions],
  references: caseReference,
  migrations: [
    CreateCases1732000002000,
    CaseHandler1732000140000,
    CaseIntake1732000152000,
    GridJobQueues1732000170000,
    GridNotifications1732000170100,
    CaseDeadlineSteps1732000170200,
    GridOutbox1732000170300,
    GridWebhookSubscriptions1732000170400,
    CaseSummaries1732000180000,
  ],
  // Deadlines that act (case.deadlines.ts): reminders, overdue notices and moves to the community's queue, from the job queue.
  workers: (db, logger) => [caseDeadlineWorker(db, logger), gridRelay(db, logger)],
  seed: seedCases,
  figures: [caseFigures],
});
