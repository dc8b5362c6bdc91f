import { and } from 'graphql-shield';
import type { IRules } from 'graphql-shield/typings/types';
import { personalDataReadsResolver, Role, rules } from '@cgp/core';
import { CreateResidents1732000010000 } from '../migrations/1732000010000-create-residents';
import { FestivalCalendarUpkeep1732000011000 } from '../migrations/1732000011000-festival-calendar-upkeep';
import { ResidentImportJobs1732000012000 } from '../migrations/1732000012000-resident-import-jobs';
import { ResidentImportJobResolver } from './import-job.resolver';
import { FestivalResolver } from './festival';
import {
  BuildingHouseholdsResolver, CommunityResidentsResolver, FamilyEventResolver, HospitalStayResolver, HouseholdResolver, MustVisitResolver,
  ResidentResolver, residentReferenceResolvers, VisitResolver, VisitsDueResolver,
} from './resident.resolver';
import { seedResidents } from './seed';

/**
 * Residents and visits to people in need, as one part of the community subgraph: its migrations,
 * resolvers, permissions and demo data, wired in by src/index.ts.
 */
export const residentsModule = {
  migrations: [CreateResidents1732000010000, FestivalCalendarUpkeep1732000011000, ResidentImportJobs1732000012000],
  resolvers: [
    ResidentResolver, ResidentImportJobResolver, HouseholdResolver, BuildingHouseholdsResolver, CommunityResidentsResolver, HospitalStayResolver, FamilyEventResolver,
    VisitResolver, VisitsDueResolver, MustVisitResolver, FestivalResolver, personalDataReadsResolver('community', 'communityPersonalDataReads', 'Community'),
  ],
  orphanedTypes: [],
  referenceResolvers: residentReferenceResolvers,
  permissions: {
    Query: {
      resident: rules.unitStaff,
      visitsDue: and(rules.unitStaff, rules.codeArgInScope),
      festivals: rules.unitStaff,
      communityPersonalDataReads: rules.hasRole(Role.AUDITOR),
      // Jobs of the caller's subtree only (the resolvers filter by scope, row-level security too).
      residentImportJob: rules.unitStaff,
      residentImportJobs: rules.unitStaff,
    },
    Mutation: {
      importResidents: rules.unitStaff,
      // Community STAFF of the community only; the resolvers check the tier, unit and role.
      submitResidentImport: rules.unitStaff,
      cancelResidentImport: rules.unitStaff,
      recordVisit: rules.unitStaff,
      recordHospitalStay: rules.unitStaff,
      recordDischarge: rules.unitStaff,
      recordFamilyEvent: rules.unitStaff,
      // District STAFF only; the resolver checks the tier and role.
      setSpringFestival: rules.unitStaff,
    },
    Resident: { '*': rules.recordInScope },
    Household: { '*': rules.recordInScope },
    HospitalStay: { '*': rules.recordInScope },
    FamilyEvent: { '*': rules.recordInScope },
    Visit: { '*': rules.recordInScope },
    VisitsDue: { '*': rules.recordInScope },
    VisitCounts: { '*': rules.allow },
    MustVisit: { '*': rules.allow },
    Festival: { '*': rules.allow },
    ImportReport: { '*': rules.allow },
    ResidentImportJob: { '*': rules.recordInScope },
    ImportRowError: { '*': rules.allow },
    PersonalDataRead: { '*': rules.allow },
    Building: { code: rules.unitBreadcrumb, registeredHouseholds: rules.unitFull },
  } as Record<string, IRules>,
  seed: seedResidents,
};
