import { createUnitStubs, createUnitUnion, rules, Tier, type Permissions, type UnitStub } from '@cgp/core';
import type { ClassType } from 'type-graphql';
import { Building } from './building.type';
import { Grid } from './grid.type';

const stubs = createUnitStubs('the building subgraph adds its building-work statistics');

/** The five unit classes of this subgraph: its own Building, the Grid stub it adds buildings to, stubs for the rest. */
export const UNIT_CLASSES: Record<Tier, ClassType<UnitStub>> = { ...stubs, [Tier.GRID]: Grid, [Tier.BUILDING]: Building as unknown as ClassType<UnitStub> };

/** The `Unit` union (a ranked child unit, say). */
export const Unit = createUnitUnion(UNIT_CLASSES);

/** Unit types this subgraph names only to add figures to them or as members of the union. */
export const unitStubTypes = [stubs.DISTRICT, stubs.STREET, stubs.COMMUNITY];

/** The key of every entity stub: a breadcrumb (the caller's own unit, below it, or one of its ancestors). */
export const unitStubPermissions: Permissions = {
  District: { code: rules.unitBreadcrumb },
  Street: { code: rules.unitBreadcrumb },
  Community: { code: rules.unitBreadcrumb },
  Grid: { code: rules.unitBreadcrumb },
};
