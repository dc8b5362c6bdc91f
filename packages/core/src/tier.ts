import { registerEnumType } from 'type-graphql';
import { badInput } from './errors';

/** The five governance tiers, top to bottom. */
export enum Tier {
  DISTRICT = 'DISTRICT',
  STREET = 'STREET',
  COMMUNITY = 'COMMUNITY',
  GRID = 'GRID',
  BUILDING = 'BUILDING',
}

registerEnumType(Tier, {
  name: 'Tier',
  description: 'The five tiers of urban community governance, from the district government down to a building.',
  valuesConfig: {
    DISTRICT: { description: 'District government (区), the front-line headquarters. Code: 6 digits.' },
    STREET: { description: 'Street office (街道办事处), the lowest administrative level. Code: 9 digits.' },
    COMMUNITY: { description: "Residents' community (社区) with its residents' committee. Code: 12 digits." },
    GRID: { description: 'Grid (网格): an area of a community with its grid staff. Code: community code + 3 digits.' },
    BUILDING: { description: "Building or residents' group (楼栋) with its building leader. Code: grid code + 3 digits." },
  },
});

export const TIERS: readonly Tier[] = [Tier.DISTRICT, Tier.STREET, Tier.COMMUNITY, Tier.GRID, Tier.BUILDING];

/** Length of a unit code at each tier (national administrative-division style). */
export const CODE_LENGTH: Record<Tier, number> = {
  [Tier.DISTRICT]: 6,
  [Tier.STREET]: 9,
  [Tier.COMMUNITY]: 12,
  [Tier.GRID]: 15,
  [Tier.BUILDING]: 18,
};

const TIER_BY_LENGTH = new Map<number, Tier>(TIERS.map((t) => [CODE_LENGTH[t], t]));

/** The tier a code belongs to, or undefined when the code is not a unit code. */
export function tierOfCode(code: string): Tier | undefined {
  if (!/^\d+$/.test(code)) return undefined;
  return TIER_BY_LENGTH.get(code.length);
}

/** Throws BAD_USER_INPUT unless `code` is a well-formed code (of `tier`, when given). */
export function assertUnitCode(code: string, tier?: Tier, argumentName = 'code'): Tier {
  const actual = tierOfCode(code);
  if (!actual) {
    throw badInput(
      `"${code}" is not a unit code: use digits only, 6 for a district, 9 for a street, 12 for a community, 15 for a grid, 18 for a building`,
      argumentName,
    );
  }
  if (tier && actual !== tier) {
    throw badInput(`"${code}" is not a ${tier.toLowerCase()} code: a ${tier.toLowerCase()} code has ${CODE_LENGTH[tier]} digits`, argumentName);
  }
  return actual;
}

/** Codes of the unit and all its ancestors, top first: 411602001 → [411602, 411602001]. */
export function ancestryOfCode(code: string): string[] {
  const tier = tierOfCode(code);
  if (!tier) throw new Error(`not a unit code: ${code}`);
  return TIERS.slice(0, TIERS.indexOf(tier) + 1).map((t) => code.slice(0, CODE_LENGTH[t]));
}

/** The ltree ancestry path of a unit, derived from its code: 411602.411602001.411602001001 */
export function pathOfCode(code: string): string {
  return ancestryOfCode(code).join('.');
}

/** The parent's code, or undefined for a district. */
export function parentCode(code: string): string | undefined {
  const chain = ancestryOfCode(code);
  return chain.length > 1 ? chain[chain.length - 2] : undefined;
}

export function childTier(tier: Tier): Tier | undefined {
  return TIERS[TIERS.indexOf(tier) + 1];
}
