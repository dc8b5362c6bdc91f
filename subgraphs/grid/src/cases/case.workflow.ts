import { CallerKind, Role, Tier, type Identity } from '@cgp/core';
import { CaseAction, CaseCategory, CaseState, MediationLevel, type GridCase } from './case.type';

/** The steps of "receive, dispatch, handle, return", and who may take each in a grid's queue ("one grid, three staff"). */
export const STEPS: Record<Exclude<CaseAction, CaseAction.REPORT | IntakeAction>, { from: CaseState[]; to: CaseState; gridRoles: Role[] }> = {
  [CaseAction.DISPATCH]: { from: [CaseState.RECEIVED], to: CaseState.DISPATCHED, gridRoles: [Role.GRID_MANAGER] },
  [CaseAction.REJECT]: { from: [CaseState.RECEIVED], to: CaseState.REJECTED, gridRoles: [Role.GRID_MANAGER] },
  [CaseAction.START]: { from: [CaseState.DISPATCHED], to: CaseState.IN_PROGRESS, gridRoles: [Role.GRID_CO_MANAGER, Role.GRID_MANAGER] },
  [CaseAction.RETURN]: { from: [CaseState.IN_PROGRESS], to: CaseState.RETURNED, gridRoles: [Role.GRID_CO_MANAGER, Role.GRID_MANAGER] },
  [CaseAction.CLOSE]: { from: [CaseState.RETURNED], to: CaseState.CLOSED, gridRoles: [Role.GRID_SUPERVISOR] },
  [CaseAction.REOPEN]: { from: [CaseState.RETURNED], to: CaseState.IN_PROGRESS, gridRoles: [Role.GRID_SUPERVISOR] },
  [CaseAction.ESCALATE]: { from: [CaseState.RECEIVED, CaseState.DISPATCHED, CaseState.IN_PROGRESS], to: CaseState.RECEIVED, gridRoles: [Role.GRID_MANAGER] },
};

export type Step = keyof typeof STEPS;

const NEXT_LEVEL: Record<MediationLevel, { level: MediationLevel; queueTier: Tier; codeLength: number } | null> = {
  [MediationLevel.WINDOW]: { level: MediationLevel.JOINT, queueTier: Tier.COMMUNITY, codeLength: 12 },
  [MediationLevel.JOINT]: { level: MediationLevel.KEY, queueTier: Tier.STREET, codeLength: 9 },
  [MediationLevel.KEY]: null,
};

/** The mediation level and queue a dispute moves to when escalated, or why it cannot be. */
export function escalation(c: GridCase): { level: MediationLevel; queueTier: Tier; queueCode: string } | string {
  if (c.category !== CaseCategory.DISPUTE || !c.mediationLevel) return 'only disputes are escalated through the three mediation levels';
  const next = NEXT_LEVEL[c.mediationLevel];
  if (!next) return 'the dispute is already a key case (KEY), the highest mediation level';
  return { level: next.level, queueTier: next.queueTier, queueCode: c.gridCode.slice(0, next.codeLength) };
}

/**
 * The role in which the caller may take this step on this case, or undefined. Whoever holds the
 * case's queue acts on it: in a grid's queue its three staff by their roles; in a community's or
 * street office's queue (after escalation) that unit's staff.
 */
export function actingRole(identity: Identity, c: GridCase, step: Step): Role | undefined {
  if ((identity.kind as string) !== (c.queueTier as string) || identity.unit !== c.queueCode) return undefined;
  const allowed = c.queueTier === Tier.GRID ? STEPS[step].gridRoles : [Role.STAFF];
  return identity.roles.find((r) => allowed.includes(r));
}

/** Who may report a case in a grid, and as what kind of reporter. */
export function reporterKindOf(
  identity: Identity,
  gridCode: string,
  buildingCode: string | null,
): { kind: 'GRID_STAFF' | 'BUILDING_LEADER' | 'RESIDENT'; role: Role } | string {
  const gridRoles = [Role.GRID_MANAGER, Role.GRID_SUPERVISOR, Role.GRID_CO_MANAGER];
  if (identity.kind === CallerKind.GRID && identity.unit === gridCode) {
    const role = identity.roles.find((r) => gridRoles.includes(r));
    return role ? { kind: 'GRID_STAFF', role } : 'grid staff report cases with one of the roles GRID_MANAGER, GRID_SUPERVISOR or GRID_CO_MANAGER';
  }
  if (identity.kind === CallerKind.BUILDING) {
    if (!identity.roles.includes(Role.BUILDING_LEADER)) return 'a building caller reports cases as BUILDING_LEADER';
    if (buildingCode !== identity.unit) return 'a building leader reports cases in their own building: give buildingCode';
    return { kind: 'BUILDING_LEADER', role: Role.BUILDING_LEADER };
  }
  if (identity.kind === CallerKind.COMMUNITY && identity.unit === gridCode.slice(0, 12) && identity.roles.includes(Role.STAFF)) {
    return { kind: 'RESIDENT', role: Role.STAFF };
  }
  return 'cases are reported by the grid’s staff, a building leader of the building, or community staff on behalf of a resident';
}

/*
 * Residents and the hotline (issue 15): the loop from the street. These steps come on top of the staff
 * steps above; who may take them and where they lead is decided here, the SQL is in case.intake.ts.
 */

/** The actions of the intake loop: asking and answering the reporting resident, and the resident's rating. */
export type IntakeAction = CaseAction.REQUEST_INFO | CaseAction.ADD_INFO | CaseAction.RATE | CaseAction.RESIDENT_REOPEN | CaseAction.REFER;

/** The handler may ask the reporting resident for information while the case is dispatched or being handled. */
export const INFO_REQUEST = { from: [CaseState.DISPATCHED, CaseState.IN_PROGRESS], gridRoles: [Role.GRID_CO_MANAGER, Role.GRID_MANAGER] };

/** The role in which the caller may ask the reporter for information: whoever may start or return the case in its queue. */
export function infoRequestRole(identity: Identity, c: GridCase): Role | undefined {
  if ((identity.kind as string) !== (c.queueTier as string) || identity.unit !== c.queueCode) return undefined;
  const allowed = c.queueTier === Tier.GRID ? INFO_REQUEST.gridRoles : [Role.STAFF];
  return identity.roles.find((r) => allowed.includes(r));
}

/** Whether this resident caller reported this case (their household's, in their community). */
export function isResidentsCase(identity: Identity, c: { reporterHousehold: string | null; path: string }): boolean {
  return (
    identity.kind === CallerKind.RESIDENT &&
    !!identity.household &&
    !!identity.intake &&
    c.reporterHousehold === identity.household &&
    (c.path === identity.intake.path || c.path.startsWith(`${identity.intake.path}.`))
  );
}

/** Whether this hotline caller filed this case (a ticket's case in its district). */
export function isHotlinesCase(identity: Identity, c: { hotlineTicket: string | null; path: string }): boolean {
  return (
    identity.kind === CallerKind.HOTLINE &&
    !!identity.intake &&
    !!c.hotlineTicket &&
    (c.path === identity.intake.path || c.path.startsWith(`${identity.intake.path}.`))
  );
}

export type RatingOutcome = 'KEPT' | 'REOPENED' | 'REFERRED';

/**
 * What a resident's rating of a closed case does. Satisfied: it stays closed. Not satisfied: the first
 * time it goes back to its handler in the grid (IN_PROGRESS); the second time it goes to the community's
 * queue (RECEIVED, handler cleared), whose staff dispatch it to a department or one of their staff. A case
 * already in a community's or street office's queue stays closed: the rating is recorded for the staff above.
 */
export function ratingOutcome(
  c: GridCase,
  satisfied: boolean,
): { outcome: 'KEPT' } | { outcome: 'REOPENED'; to: CaseState } | { outcome: 'REFERRED'; to: CaseState; queueTier: Tier; queueCode: string } {
  if (satisfied || c.queueTier !== Tier.GRID) return { outcome: 'KEPT' };
  if (c.residentReopens < 1) return { outcome: 'REOPENED', to: CaseState.IN_PROGRESS };
  return { outcome: 'REFERRED', to: CaseState.RECEIVED, queueTier: Tier.COMMUNITY, queueCode: c.gridCode.slice(0, 12) };
}
