import { registerEnumType } from 'type-graphql';
import { z } from 'zod';
import { CODE_LENGTH, pathOfCode, Tier, TIERS } from '../tier';

/** What a caller may do inside its unit. */
export enum Role {
  STAFF = 'STAFF',
  PARTY_SECRETARY = 'PARTY_SECRETARY',
  GRID_MANAGER = 'GRID_MANAGER',
  GRID_SUPERVISOR = 'GRID_SUPERVISOR',
  GRID_CO_MANAGER = 'GRID_CO_MANAGER',
  BUILDING_LEADER = 'BUILDING_LEADER',
  AUDITOR = 'AUDITOR',
}

registerEnumType(Role, {
  name: 'Role',
  description: "A caller's role inside its unit.",
  valuesConfig: {
    STAFF: { description: 'Staff of the unit (district bureau, street office, community workstation).' },
    PARTY_SECRETARY: { description: 'Secretary of the unit’s party organisation.' },
    GRID_MANAGER: { description: 'Grid manager (网格长), one of "one grid, three staff".' },
    GRID_SUPERVISOR: { description: 'Grid supervisor (网格督导员), one of "one grid, three staff".' },
    GRID_CO_MANAGER: { description: 'Grid co-manager (网格协管员), one of "one grid, three staff".' },
    BUILDING_LEADER: { description: 'Elected building leader (楼栋长).' },
    AUDITOR: { description: 'Reads the personal-data audit log of its unit’s subtree.' },
  },
});

/** The kind of caller: one of the five tiers, or an outside partner organisation. */
export enum CallerKind {
  DISTRICT = 'DISTRICT',
  STREET = 'STREET',
  COMMUNITY = 'COMMUNITY',
  GRID = 'GRID',
  BUILDING = 'BUILDING',
  PARTNER = 'PARTNER',
  RESIDENT = 'RESIDENT',
  HOTLINE = 'HOTLINE',
}

/** Callers who bring work in from outside the tiers' staff: residents and the district's hotline (issue 15). */
export const INTAKE_KINDS: readonly CallerKind[] = [CallerKind.RESIDENT, CallerKind.HOTLINE];

registerEnumType(CallerKind, {
  name: 'CallerKind',
  description: 'Whom a token speaks for: staff of a tier, or a partner social organisation (through the API).',
  valuesConfig: {
    DISTRICT: { description: 'Staff of a district: the district and everything below it.' },
    STREET: { description: 'Staff of a street office: the street and everything below it.' },
    COMMUNITY: { description: 'Staff of a community: the community and its grids and buildings.' },
    GRID: { description: 'Grid staff: the grid and its buildings.' },
    BUILDING: { description: 'A building leader: the building.' },
    PARTNER: { description: 'A partner social organisation or caring enterprise, through the API: its own pairings only.' },
    RESIDENT: {
      description:
        'A resident signed in through the identity provider, bound to one household of one community: reports cases there and follows, completes and rates their household’s own cases.',
    },
    HOTLINE: {
      description:
        'The district’s convenience hotline (12345) or an Open311 client, as a service caller: files work orders as cases and reads back their replies.',
    },
  },
});

/** A verified caller. */
export interface Identity {
  sub: string;
  kind: CallerKind;
  /** The caller's unit code; absent for partners. */
  unit?: string;
  /** ltree path of the caller's unit (derived from the code); absent for partners. */
  unitPath?: string;
  roles: Role[];
  /** A partner's social-organisation id. */
  org?: string;
  /** Codes of the communities a partner is paired with (their names are the partner's breadcrumb). */
  communities: string[];
  /** For a partner token the gateway issued from an API key: that key's id (checked for revocation at the gateway). */
  apiKey?: string;
  /** A resident's household (the community subgraph's household id). */
  household?: string;
  /**
   * Residents and the hotline: the unit they bring work into (a resident's community, the hotline's district)
   * and its path. Not a scope: these callers have no `unit`/`unitPath`, so no staff rule or list opens to them.
   */
  intake?: { unit: string; path: string };
}

export const claimsSchema = z
  .object({
    sub: z.string().min(1),
    tier: z.nativeEnum(CallerKind),
    unit: z.string().regex(/^\d+$/).optional(),
    roles: z.array(z.nativeEnum(Role)).default([]),
    org: z.string().uuid().optional(),
    communities: z.array(z.string().regex(/^\d{12}$/)).default([]),
    /** The partner API key a gateway-issued partner token was made from. */
    key: z.string().uuid().optional(),
    /** A RESIDENT's household id. */
    household: z.string().uuid().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.tier === CallerKind.PARTNER) {
      if (!c.org) ctx.addIssue({ code: 'custom', message: 'a PARTNER token needs the org claim' });
      if (c.unit) ctx.addIssue({ code: 'custom', message: 'a PARTNER token has no unit claim' });
      return;
    }
    if (c.key && c.tier !== CallerKind.HOTLINE) ctx.addIssue({ code: 'custom', message: 'only a PARTNER or HOTLINE token carries the key claim' });
    if (c.tier === CallerKind.RESIDENT) {
      if (!c.household) ctx.addIssue({ code: 'custom', message: 'a RESIDENT token needs the household claim' });
      if (!c.unit || c.unit.length !== CODE_LENGTH[Tier.COMMUNITY])
        ctx.addIssue({ code: 'custom', message: 'a RESIDENT token needs the unit claim: its community’s code' });
      if (c.roles.length) ctx.addIssue({ code: 'custom', message: 'a RESIDENT token has no roles' });
      return;
    }
    if (c.household) ctx.addIssue({ code: 'custom', message: 'only a RESIDENT token carries the household claim' });
    if (c.tier === CallerKind.HOTLINE) {
      if (!c.unit || c.unit.length !== CODE_LENGTH[Tier.DISTRICT])
        ctx.addIssue({ code: 'custom', message: 'a HOTLINE token needs the unit claim: its district’s code' });
      if (c.roles.length) ctx.addIssue({ code: 'custom', message: 'a HOTLINE token has no roles' });
      return;
    }
    if (!c.unit) {
      ctx.addIssue({ code: 'custom', message: `a ${c.tier} token needs the unit claim` });
      return;
    }
    if (c.unit.length !== CODE_LENGTH[c.tier as unknown as Tier]) {
      ctx.addIssue({ code: 'custom', message: `unit ${c.unit} is not a ${c.tier.toLowerCase()} code` });
    }
  });

export type Claims = z.input<typeof claimsSchema>;

export function identityFromClaims(payload: unknown): Identity {
  const c = claimsSchema.parse(payload);
  if (INTAKE_KINDS.includes(c.tier)) {
    const unit = c.unit as string;
    return {
      sub: c.sub,
      kind: c.tier,
      roles: [],
      communities: [],
      household: c.household,
      intake: { unit, path: pathOfCode(unit) },
      apiKey: c.key,
    };
  }
  const isUnit = c.tier !== CallerKind.PARTNER;
  return {
    sub: c.sub,
    kind: c.tier,
    unit: isUnit ? c.unit : undefined,
    unitPath: isUnit && c.unit ? pathOfCode(c.unit) : undefined,
    roles: c.roles,
    org: c.org,
    communities: isUnit ? [] : c.communities,
    apiKey: isUnit ? undefined : c.key,
  };
}

export function tierOfIdentity(identity: Identity): Tier | undefined {
  return TIERS.find((t) => (t as string) === (identity.kind as string));
}
