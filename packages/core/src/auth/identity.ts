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
}

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
  })
  .superRefine((c, ctx) => {
    if (c.tier === CallerKind.PARTNER) {
      if (!c.org) ctx.addIssue({ code: 'custom', message: 'a PARTNER token needs the org claim' });
      if (c.unit) ctx.addIssue({ code: 'custom', message: 'a PARTNER token has no unit claim' });
      return;
    }
    if (c.key) ctx.addIssue({ code: 'custom', message: 'only a PARTNER token carries the key claim' });
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
