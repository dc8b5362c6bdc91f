import { defineFeature, personalDataReads } from '@cgp/core';
// The order of the resolvers' imports is the order of their Query and Mutation fields in the schema (as published): import jobs, festivals, residents, must-visits.
import { ResidentImportJobResolver, residentImportJobPermissions } from './import-job.resolver';
import { FestivalResolver, festivalPermissions } from './festival.resolver';
import {
  BuildingHouseholdsResolver,
  buildingHouseholdsPermissions,
  CommunityResidentsResolver,
  communityResidentsPermissions,
  FamilyEventResolver,
  familyEventPermissions,
  HospitalStayResolver,
  hospitalStayPermissions,
  HouseholdResolver,
  householdPermissions,
  ResidentResolver,
  residentPermissions,
  VisitResolver,
  visitPermissions,
} from './resident.resolver';
import { MustVisitResolver, mustVisitPermissions, VisitsDueResolver, visitsDuePermissions } from './must-visit.resolver';
import { ResidentImportWorker } from './import-job.worker';
import { CreateResidents1732000010000 } from './migrations/1732000010000-create-residents';
import { FestivalCalendarUpkeep1732000011000 } from './migrations/1732000011000-festival-calendar-upkeep';
import { ResidentImportJobs1732000012000 } from './migrations/1732000012000-resident-import-jobs';
import { HouseholdCheck1732000153000 } from './migrations/1732000153000-household-check';
import { householdRoutes } from './household.routes';
import { populationFigures } from './population.figures';
import { residentReference } from './resident.reference';
import { seedResidents } from './resident.seed';

/**
 * Residents and their households (personal data), imports of residents' registers (at once, or as jobs run by the import
 * worker beside the server), their hospital stays and family events, visits and the "four must-visits" with the festival
 * calendar, and the registered population's figures.
 */
export const residents = defineFeature({
  name: 'residents',
  resolvers: [
    ResidentResolver,
    ResidentImportJobResolver,
    HouseholdResolver,
    BuildingHouseholdsResolver,
    CommunityResidentsResolver,
    HospitalStayResolver,
    FamilyEventResolver,
    VisitResolver,
    VisitsDueResolver,
    MustVisitResolver,
    FestivalResolver,
  ],
  permissions: [
    residentPermissions,
    residentImportJobPermissions,
    householdPermissions,
    buildingHouseholdsPermissions,
    communityResidentsPermissions,
    hospitalStayPermissions,
    familyEventPermissions,
    visitPermissions,
    visitsDuePermissions,
    mustVisitPermissions,
    festivalPermissions,
  ],
  references: residentReference,
  migrations: [CreateResidents1732000010000, FestivalCalendarUpkeep1732000011000, ResidentImportJobs1732000012000, HouseholdCheck1732000153000],
  // POST /households/check: whether a resident token's household is registered in its community (issue 15).
  routes: householdRoutes,
  seed: seedResidents,
  figures: [populationFigures],
  // Residents imports submitted as jobs run beside the server (see import-job.worker.ts).
  workers: (db, logger) => [new ResidentImportWorker(db, logger).start()],
});

/**
 * The auditors' query over the subgraph's personal-data log (residents' records, and the agents, errands, volunteer leaders
 * and wishes' beneficiaries of the other features), declared after the residents' own queries as it always was.
 */
export const personalData = personalDataReads('community', 'communityPersonalDataReads', 'Community');
