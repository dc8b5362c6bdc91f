import { defineFeature } from '@cgp/core';
import { assessmentFigures } from './assessment.figures';
import { AssessmentResolver, assessmentPermissions, CommunityAssessmentsResolver, communityAssessmentsPermissions } from './assessment.resolver';
import { seedAssessments } from './assessment.seed';
import { CreateAssessment1732000002000 } from './migrations/1732000002000-create-assessment';

/** Harmonious-community assessments on the six goods: recorded by the district, read by every tier in its subtree; and their figures. */
export const assessments = defineFeature({
  name: 'assessments',
  resolvers: [AssessmentResolver, CommunityAssessmentsResolver],
  permissions: [assessmentPermissions, communityAssessmentsPermissions],
  migrations: [CreateAssessment1732000002000],
  seed: seedAssessments,
  figures: [assessmentFigures],
});
