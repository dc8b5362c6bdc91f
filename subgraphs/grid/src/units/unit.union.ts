import { createUnitStubs, createUnitUnion, rules, Tier, type Permissions, type UnitStub } from '@cgp/core';
import type { ClassType } from 'type-graphql';
import { Community } from './community.type';
import { Grid } from './grid.type';

const stubs = createUnitStubs('the grid subgraph adds its case statistics');

/** The five unit classes of this subgraph: its own Grid, the Community stub it adds grids to, stubs for the rest. */
export const UNIT_CLASSES: Record<Tier, ClassType<UnitStub>> = { ...stubs, [Tier.COMMUNITY]: Community, [Tier.GRID]: Grid as unknown as ClassType<UnitStub> };

/** The `Unit` union (a ranked child unit, say). */
export const Unit = createUnitUnion(UNIT_CLASSES);

/** Unit types this subgraph names only to add figures to them or as members of the union. */
export const unitStubTypes = [stubs.DISTRICT, stubs.STREET, stubs.BUILDING];

/** The key of every entity stub: a breadcrumb (the caller's own unit, below it, or one of its ancestors). */
export const unitStubPermissions: Permissions = {
  District: { code: rules.unitBreadcrumb },
  Street: { code: rules.unitBreadcrumb },
  Community: { code: rules.unitBreadcrumb },
  Building: { code: rules.unitBreadcrumb },
};
