import { badInput, chinaToday, isCalendarDate } from '@cgp/core';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

function parse(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    throw new GraphQLError(`"${String(value)}" is not a date: write a real calendar date as YYYY-MM-DD`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return value;
}

/**
 * A calendar date without time or zone, YYYY-MM-DD. Values travel as strings end to end (SQL
 * selects dates as text), so no time zone can shift a date by a day.
 */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date without time of day or time zone, written YYYY-MM-DD (ISO 8601), e.g. 2026-02-17.',
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    return parse(value);
  },
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('A Date is written as a string YYYY-MM-DD', { extensions: { code: 'BAD_USER_INPUT' } });
    return parse(ast.value);
  },
});

/** Refuses a date (YYYY-MM-DD) that is not real or lies after today in China (BAD_USER_INPUT naming the field). */
export function assertPastDate(value: string, field: string): void {
  if (!isCalendarDate(value)) throw badInput(`${field} is not a real date: ${value}`, field);
  if (value > chinaToday()) throw badInput(`${field} is in the future: ${value}`, field);
}
