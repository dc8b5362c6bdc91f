import 'reflect-metadata';
import { defineSubgraph, inAppNotifications, personalDataReads, webhookSubscriptions } from '@cgp/core';
// cases is imported first: its fields on Community and Grid come before the units' in the schema (as published).
import { cases } from './cases';
import { units } from './units';

export const gridSubgraph = defineSubgraph({
  name: 'grid',
  features: [
    units,
    cases,
    personalDataReads('grid', 'gridPersonalDataReads', 'Grid'),
    inAppNotifications('grid'),
    webhookSubscriptions('grid', 'case', ['case.closed']),
  ],
});

/** The grid's figure summaries, for `pnpm figures:verify` (issue 16). */
export { caseSummaryDifferences, rebuildCaseSummaries, type SummaryDifference } from './cases/case.summaries';
