import { Access, accessToCode, CallerKind, forbidden, Role, type RequestContext } from '@cgp/core';

const STAFF_ROLES = [Role.STAFF, Role.PARTY_SECRETARY, Role.GRID_MANAGER, Role.GRID_SUPERVISOR, Role.GRID_CO_MANAGER];

/** Staff whose unit contains `code` (the unit itself or one above it), in a staff role; partners never. */
export function assertStaffOf(ctx: RequestContext, code: string, what: string): void {
  const ok =
    ctx.identity.kind !== CallerKind.PARTNER && accessToCode(ctx.identity, code) === Access.FULL && ctx.identity.roles.some((r) => STAFF_ROLES.includes(r));
  if (!ok) throw forbidden(`Only staff of ${code} or of a unit above it can ${what}`);
}
