import { QueryFailedError } from 'typeorm';
import { GraphQLError } from 'graphql';
import { isDatabaseUnavailable, isValidIdempotencyKey, operationHash, requestIdFrom, safeError, ServiceMetrics, sqlSpanName } from '../src';

describe('observability helpers', () => {
  it('tells a database that cannot be reached from a fault in the request', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(new GraphQLError('x', { originalError: shutdown }))).toBe(true);
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], shutdown))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    // Faults of the request itself are not.
    const unique = Object.assign(new Error('duplicate key value violates unique constraint "x"'), { code: '23505' });
    expect(isDatabaseUnavailable(new QueryFailedError('INSERT', [], unique))).toBe(false);
    expect(isDatabaseUnavailable(new GraphQLError('bad', { extensions: { code: 'BAD_USER_INPUT' } }))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });

  it('logs errors without the SQL parameters and row values drivers attach', () => {
    const driver = Object.assign(new Error('duplicate key value violates unique constraint "resident_id_number"'), {
      code: '23505',
      constraint: 'resident_id_number',
      detail: 'Key (id_number)=(411602199001011234) already exists.',
    });
    const logged = JSON.stringify(safeError(new QueryFailedError('INSERT INTO community.resident VALUES ($1, $2)', ['王小明', '411602199001011234'], driver)));
    expect(logged).toContain('23505');
    expect(logged).toContain('resident_id_number');
    expect(logged).not.toContain('411602199001011234');
    expect(logged).not.toContain('王小明');
    const syntax = Object.assign(new Error('invalid input syntax for type date: "王小明的生日"'), { code: '22007' });
    expect(JSON.stringify(safeError(new QueryFailedError('SELECT $1::date', ['王小明的生日'], syntax)))).not.toContain('王小明');
  });

  it('names SQL spans by verb and table, never by values', () => {
    expect(sqlSpanName('SELECT id FROM grid.grid_case WHERE id = $1')).toBe('SELECT grid.grid_case');
    expect(sqlSpanName(' INSERT INTO "pairing".service_activity (id) VALUES ($1)')).toBe('INSERT pairing.service_activity');
    expect(sqlSpanName('UPDATE community.wish SET state = $2 WHERE id = $1')).toBe('UPDATE community.wish');
    expect(sqlSpanName('SELECT set_config($1, $2, true)')).toBe('SELECT');
  });

  it('keeps operation labels bounded: the caller’s name for gateway fetches, (other) for odd or too many names', () => {
    const metrics = new ServiceMetrics('unit-test');
    expect(metrics.operationLabel('GridWithCommunity__grid__0')).toBe('GridWithCommunity');
    expect(metrics.operationLabel(undefined)).toBe('(anonymous)');
    expect(metrics.operationLabel('not a name; DROP')).toBe('(other)');
    for (let i = 0; i < 400; i++) metrics.operationLabel(`Op${i}`);
    expect(metrics.operationLabel('Op5')).toBe('Op5');
    expect(metrics.operationLabel('Op399')).toBe('(other)');
  });

  it('takes a caller’s request id only when it is a plain short token', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom('bad id\nwith newline')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x'.repeat(129))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('hashes an operation with its variables in any key order; checks keys', () => {
    expect(operationHash('mutation M { m }', { a: 1, b: { c: 2, d: 3 } })).toBe(operationHash('mutation M { m }', { b: { d: 3, c: 2 }, a: 1 }));
    expect(operationHash('mutation M { m }', { a: 1 })).not.toBe(operationHash('mutation M { m }', { a: 2 }));
    expect(isValidIdempotencyKey('3f2c7a9e-1b2d-4c5e-8f90-123456789abc')).toBe(true);
    expect(isValidIdempotencyKey('')).toBe(false);
    expect(isValidIdempotencyKey('a b')).toBe(false);
    expect(isValidIdempotencyKey('x'.repeat(201))).toBe(false);
    expect(isValidIdempotencyKey(`${'x'.repeat(200)}#2`, true)).toBe(true);
  });
});
