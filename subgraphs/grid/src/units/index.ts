import { defineFeature, personalDataReadsResolver, Role, rules, type Permissions } from '@cgp/core';
import { CommunityGridsResolver, communityGridsPermissions, GridResolver, gridPermissions } from './grid.resolver';
import { gridReference } from './grid.reference';
import { seedGrids } from './grid.seed';
import { CreateGrid1732000000000 } from './migrations/1732000000000-create-grid';
import { GridRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { unitStubPermissions, unitStubTypes } from './unit.union';

/** Every unmasked read of personal data in this subgraph (the reporters of cases), for auditors. */
const personalDataReadsPermissions: Permissions = { Query: { gridPersonalDataReads: rules.hasRole(Role.AUDITOR) }, PersonalDataRead: { '*': rules.allow } };

/** The grids themselves: Query.grid(s), Community.grids, the Grid entity, the unit stubs the cases feature adds to, and the audit of personal data reads. */
export const units = defineFeature({
  name: 'units',
  resolvers: [GridResolver, CommunityGridsResolver, personalDataReadsResolver('grid', 'gridPersonalDataReads', 'Grid')],
  orphanedTypes: unitStubTypes,
  permissions: [gridPermissions, communityGridsPermissions, unitStubPermissions, personalDataReadsPermissions],
  references: gridReference,
  migrations: [CreateGrid1732000000000, GridRowLevelSecurity1732000001000],
  seed: seedGrids,
});
