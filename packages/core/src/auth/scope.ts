import { pathOfCode, tierOfCode } from '../tier';
import type { Identity } from './identity';

/**
 * How much of a unit (or of a record attached to a unit) a caller may see:
 * FULL inside its own subtree, BREADCRUMB (id, code, name, tier) for its ancestors and a partner's
 * paired communities, NONE for everything else (siblings and their subtrees).
 */
export enum Access {
  NONE = 0,
  BREADCRUMB = 1,
  FULL = 2,
}

function isWithin(path: string, scope: string): boolean {
  return path === scope || path.startsWith(`${scope}.`);
}

export function accessToPath(identity: Identity, path: string): Access {
  if (identity.unitPath) {
    if (isWithin(path, identity.unitPath)) return Access.FULL;
    if (isWithin(identity.unitPath, path)) return Access.BREADCRUMB;
    return Access.NONE;
  }
  return identity.communities.some((code) => pathOfCode(code) === path) ? Access.BREADCRUMB : Access.NONE;
}

/** Access to the unit with this code, decided from the code alone: the same answer whether or not it exists. */
export function accessToCode(identity: Identity, code: string): Access {
  return tierOfCode(code) ? accessToPath(identity, pathOfCode(code)) : Access.NONE;
}

/** The ltree the caller's lists are filtered to in SQL, or null when it sees no unit subtree (partners). */
export function scopePath(identity: Identity): string | null {
  return identity.unitPath ?? null;
}
