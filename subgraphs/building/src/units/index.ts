import { defineFeature, personalDataReadsResolver, Role, rules, type Permissions } from '@cgp/core';
import { BuildingResolver, buildingPermissions, GridBuildingsResolver, gridBuildingsPermissions } from './building.resolver';
import { buildingReference } from './building.reference';
import { seedBuildings } from './building.seed';
import { CreateBuilding1732000000000 } from './migrations/1732000000000-create-building';
import { BuildingRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { unitStubPermissions, unitStubTypes } from './unit.union';

/** Every unmasked read of personal data in this subgraph (the building leaders' names and phones), for auditors. */
const personalDataReadsPermissions: Permissions = { Query: { buildingPersonalDataReads: rules.hasRole(Role.AUDITOR) }, PersonalDataRead: { '*': rules.allow } };

/** The buildings themselves: Query.building(s), Grid.buildings, the Building entity, the unit stubs the work feature adds to, and the audit of personal data reads. */
export const units = defineFeature({
  name: 'units',
  resolvers: [BuildingResolver, GridBuildingsResolver, personalDataReadsResolver('building', 'buildingPersonalDataReads', 'Building')],
  orphanedTypes: unitStubTypes,
  permissions: [buildingPermissions, gridBuildingsPermissions, unitStubPermissions, personalDataReadsPermissions],
  references: buildingReference,
  migrations: [CreateBuilding1732000000000, BuildingRowLevelSecurity1732000001000],
  seed: seedBuildings,
});
