import { Access, accessToCode, badInput, CallerKind, forbidden, Role, type RequestContext } from '@cgp/core';
import { todayInChina } from '../residents/date.scalar';

const STAFF_ROLES = [Role.STAFF, Role.PARTY_SECRETARY, Role.GRID_MANAGER, Role.GRID_SUPERVISOR, Role.GRID_CO_MANAGER];

/** Staff whose unit contains `code` (the unit itself or one above it), in a staff role; partners never. */
export function assertStaffOf(ctx: RequestContext, code: string, what: string): void {
  const ok = ctx.identity.kind !== CallerKind.PARTNER && accessToCode(ctx.identity, code) === Access.FULL && ctx.identity.roles.some((r) => STAFF_ROLES.includes(r));
  if (!ok) throw forbidden(`Only staff of ${code} or of a unit above it can ${what}`);
}

/** Refuses dates that are not real or lie in the future. */
export function assertPastDate(date: string, field: string): void {
  if (Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) throw badInput(`${field} is not a real date: ${date}`, field);
  if (date > todayInChina()) throw badInput(`${field} is in the future: ${date}`, field);
}

/** Groups rows under the keys asked for, in order (core's, re-exported for the services here). */
export { groupRows } from '@cgp/core';
