import { CallerKind, Role, type Identity } from './auth/identity';
import { Access, accessToPath } from './auth/scope';
import type { RequestContext } from './context';

/** 王* */
export function maskName(name: string | null): string | null {
  return name && `${name.slice(0, 1)}*`;
}

/** 138****5678 */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  return phone.length >= 7 ? `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}` : '*'.repeat(phone.length);
}

/** 411602********1234 */
export function maskIdCard(id: string | null): string | null {
  if (!id) return id;
  return id.length >= 10 ? `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}` : '*'.repeat(id.length);
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The check character of an 18-character resident ID-card number (GB 11643, ISO 7064 MOD 11-2). */
export function idCardCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

export function isValidIdCard(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && idCardCheckDigit(id.slice(0, 17)) === id[17];
}

const ROLES_NEEDING_PERSONAL_DATA: Partial<Record<CallerKind, Role[]>> = {
  [CallerKind.COMMUNITY]: [Role.STAFF, Role.PARTY_SECRETARY],
  [CallerKind.GRID]: [Role.GRID_MANAGER, Role.GRID_SUPERVISOR, Role.GRID_CO_MANAGER, Role.STAFF],
  [CallerKind.BUILDING]: [Role.BUILDING_LEADER],
};

/**
 * Personal data is seen unmasked only by staff of the person's own community, grid or building
 * whose role needs it; district and street dashboards and partners get it masked.
 */
export function mayReadPersonalData(identity: Identity, personPath: string): boolean {
  const roles = ROLES_NEEDING_PERSONAL_DATA[identity.kind];
  if (!roles || !identity.roles.some((r) => roles.includes(r))) return false;
  return accessToPath(identity, personPath) === Access.FULL;
}

export interface PersonalDataAccess {
  recordType: string;
  recordId: string;
  field: string;
  path: string;
}

/**
 * Returns the value unmasked (recording the read in the subgraph's audit table, in the request's
 * transaction) when the caller's work needs it, masked otherwise.
 */
export function personalField(
  ctx: RequestContext,
  auditTable: string,
  read: PersonalDataAccess,
  value: string | null,
  mask: (v: string | null) => string | null,
): string | null {
  // Masked or not, the answer holds a personal field: the gateway's response cache never keeps it.
  ctx.holdsPersonalData = true;
  if (value === null || !mayReadPersonalData(ctx.identity, read.path)) return mask(value);
  ctx.audit(auditTable, read);
  return value;
}
