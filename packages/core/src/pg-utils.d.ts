/** node-postgres's own serialiser of query parameters (not in @types/pg). */
declare module 'pg/lib/utils' {
  export function prepareValue(value: unknown): string | Buffer | null;
}
