import { createUnitStubs, createUnitUnion, rules, Tier, type Permissions, type UnitStub } from '@cgp/core';
import type { ClassType } from 'type-graphql';
import { Community } from './community.type';
import { District } from './district.type';
import { Street } from './street.type';

const stubs = createUnitStubs('the street subgraph adds its task statistics');

/** The five unit classes of this subgraph: its own Street, the District and Community stubs it adds fields to, stubs for the rest. */
export const UNIT_CLASSES: Record<Tier, ClassType<UnitStub>> = {
  ...stubs,
  [Tier.DISTRICT]: District,
  [Tier.STREET]: Street as unknown as ClassType<UnitStub>,
  [Tier.COMMUNITY]: Community,
};

/** The `Unit` union (a ranked child unit, say). */
export const Unit = createUnitUnion(UNIT_CLASSES);

/** Unit types this subgraph names only as members of the union. */
export const unitStubTypes = [stubs.GRID, stubs.BUILDING];

/** The key of every entity stub: a breadcrumb (the caller's own unit, below it, or one of its ancestors). */
export const unitStubPermissions = {
  District: { code: rules.unitBreadcrumb },
  Community: { code: rules.unitBreadcrumb },
  Grid: { code: rules.unitBreadcrumb },
  Building: { code: rules.unitBreadcrumb },
} satisfies Permissions;
