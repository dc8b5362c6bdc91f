import { defineFeature } from '@cgp/core';
import { CaseHandler1732000140000 } from './migrations/1732000140000-case-handler';
import { caseFigures } from './case.figures';
import { caseReference } from './case.reference';
import { CaseResolver, casePermissions } from './case.resolver';
import { seedCases } from './case.seed';
import { CreateCases1732000002000 } from './migrations/1732000002000-create-cases';

/** Grid cases (事件): reported, dispatched, handled, returned, checked and closed, escalated as disputes; and their figures. */
export const cases = defineFeature({
  name: 'cases',
  resolvers: [CaseResolver],
  permissions: casePermissions,
  references: caseReference,
  migrations: [CreateCases1732000002000, CaseHandler1732000140000],
  seed: seedCases,
  figures: [caseFigures],
});
