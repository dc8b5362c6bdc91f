import { claimsSchema, identityFromClaims } from '@cgp/core';
import { gcj02ToWgs84, storedLocation, wgs84ToGcj02 } from '../src/cases/case.location';
import { CoordinateSystem } from '../src/cases/case.input';
import { ratingOutcome } from '../src/cases/case.workflow';
import { CaseState, type GridCase } from '../src/cases/case.type';

describe('case places (issue 15)', () => {
  it('converts GCJ-02 map coordinates to WGS-84 by inverting the offset, to well under a centimetre', () => {
    for (const [lat, lng] of [
      [39.908823, 116.39747], // Tiananmen as Chinese maps show it
      [33.625112, 114.652391], // Zhoukou, Chuanhui district
      [22.543096, 114.057865], // Shenzhen
    ]) {
      const [wLat, wLng] = gcj02ToWgs84(lat, lng);
      const [back, backLng] = wgs84ToGcj02(wLat, wLng);
      expect(Math.abs(back - lat)).toBeLessThan(1e-8);
      expect(Math.abs(backLng - lng)).toBeLessThan(1e-8);
      // The offset is a few hundred metres.
      expect(Math.abs(wLat - lat) + Math.abs(wLng - lng)).toBeGreaterThan(0.001);
      expect(Math.abs(wLat - lat) + Math.abs(wLng - lng)).toBeLessThan(0.02);
    }
    // Outside China GCJ-02 is WGS-84.
    expect(gcj02ToWgs84(48.8584, 2.2945)).toEqual([48.8584, 2.2945]);
  });

  it('stores WGS-84 as given, GCJ-02 converted, rounded to 6 decimals', () => {
    expect(storedLocation({ latitude: 33.1234567, longitude: 114.7654321, system: CoordinateSystem.WGS84 })).toEqual({
      latitude: 33.123457,
      longitude: 114.765432,
    });
    const converted = storedLocation({ latitude: 39.908823, longitude: 116.39747, system: CoordinateSystem.GCJ02 });
    expect(converted.latitude).toBeCloseTo(39.90742, 4);
    expect(converted.longitude).toBeCloseTo(116.39123, 4);
    expect(storedLocation(null)).toEqual({ latitude: null, longitude: null });
  });

  it('a resident’s "not satisfied" reopens the case once, then refers it to the community; a community’s case stays closed', () => {
    const c = { queueTier: 'GRID', gridCode: '411602001001001', residentReopens: 0, state: CaseState.CLOSED } as unknown as GridCase;
    expect(ratingOutcome(c, true)).toEqual({ outcome: 'KEPT' });
    expect(ratingOutcome(c, false)).toEqual({ outcome: 'REOPENED', to: CaseState.IN_PROGRESS });
    expect(ratingOutcome({ ...c, residentReopens: 1 }, false)).toEqual({
      outcome: 'REFERRED',
      to: CaseState.RECEIVED,
      queueTier: 'COMMUNITY',
      queueCode: '411602001001',
    });
    expect(ratingOutcome({ ...c, queueTier: 'COMMUNITY' } as GridCase, false)).toEqual({ outcome: 'KEPT' });
  });
});

describe('resident and hotline tokens (issue 15)', () => {
  const household = '3f0c2a9e-5b1d-4e7a-9c36-2d8f1a7b6e40';
  it('a resident is bound to a household of a community and gets no unit scope', () => {
    const identity = identityFromClaims({ sub: 'r', tier: 'RESIDENT', unit: '411602001001', household });
    expect(identity).toMatchObject({ kind: 'RESIDENT', household, intake: { unit: '411602001001', path: '411602.411602001.411602001001' }, roles: [] });
    expect(identity.unit).toBeUndefined();
    expect(identity.unitPath).toBeUndefined();
    const refused = (claims: Record<string, unknown>) => claimsSchema.safeParse(claims).error?.issues.map((i) => i.message);
    expect(refused({ sub: 'r', tier: 'RESIDENT', unit: '411602001001' })).toEqual(['a RESIDENT token needs the household claim']);
    expect(refused({ sub: 'r', tier: 'RESIDENT', unit: '411602001001001', household })).toEqual([
      'a RESIDENT token needs the unit claim: its community’s code',
    ]);
    expect(refused({ sub: 'r', tier: 'RESIDENT', unit: '411602001001', household, roles: ['STAFF'] })).toEqual(['a RESIDENT token has no roles']);
    expect(refused({ sub: 's', tier: 'COMMUNITY', unit: '411602001001', household, roles: ['STAFF'] })).toEqual([
      'only a RESIDENT token carries the household claim',
    ]);
  });

  it('the hotline speaks for a district, with no roles and no unit scope', () => {
    const identity = identityFromClaims({ sub: 'hotline-12345', tier: 'HOTLINE', unit: '411602' });
    expect(identity).toMatchObject({ kind: 'HOTLINE', intake: { unit: '411602', path: '411602' } });
    expect(identity.unitPath).toBeUndefined();
    expect(claimsSchema.safeParse({ sub: 'h', tier: 'HOTLINE', unit: '411602001' }).error?.issues[0].message).toBe(
      'a HOTLINE token needs the unit claim: its district’s code',
    );
  });
});
