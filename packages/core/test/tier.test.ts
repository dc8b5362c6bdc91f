import { GraphQLError } from 'graphql';
import { ancestryOfCode, assertUnitCode, parentCode, pathOfCode, Tier, tierOfCode } from '../src';

describe('unit codes', () => {
  it('tells the tier from the code length', () => {
    expect(tierOfCode('411602')).toBe(Tier.DISTRICT);
    expect(tierOfCode('411602001')).toBe(Tier.STREET);
    expect(tierOfCode('411602001001')).toBe(Tier.COMMUNITY);
    expect(tierOfCode('411602001001001')).toBe(Tier.GRID);
    expect(tierOfCode('411602001001001001')).toBe(Tier.BUILDING);
    expect(tierOfCode('4116020')).toBeUndefined();
    expect(tierOfCode('41160a')).toBeUndefined();
  });

  it('derives the ancestry path and parent from the code', () => {
    expect(ancestryOfCode('411602001002')).toEqual(['411602', '411602001', '411602001002']);
    expect(pathOfCode('411602001002003')).toBe('411602.411602001.411602001002.411602001002003');
    expect(parentCode('411602001')).toBe('411602');
    expect(parentCode('411602')).toBeUndefined();
  });

  it('refuses a malformed code with BAD_USER_INPUT and a message saying what a code looks like', () => {
    const error = (() => {
      try {
        assertUnitCode('41-1602');
      } catch (e) {
        return e as GraphQLError;
      }
    })();
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error?.extensions.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(/6 for a district/);
  });

  it('refuses a code of the wrong tier, naming the expected length', () => {
    expect(() => assertUnitCode('411602001', Tier.DISTRICT)).toThrow(/district code has 6 digits/);
    expect(assertUnitCode('411602001', Tier.STREET)).toBe(Tier.STREET);
  });
});
