/**
 * PostgreSQL row-level security, the second line of defence: even a resolver that forgets its
 * filter gets nothing outside the caller's scope. The application connects as APP_ROLE, which owns
 * no table and cannot bypass RLS; each request's transaction sets `cgp.scope` (the caller's unit
 * path), `cgp.partner_org` and `cgp.partner_communities` with set_config(..., true).
 *
 * Empty or missing settings match nothing: after a scoped transaction, current_setting() on the
 * pooled connection returns '' (not NULL), and `path <@ ''` would match every row.
 */
export const APP_ROLE = 'cgp_app';

/** SQL predicate: `path` lies inside the caller's subtree. */
export const IN_SCOPE = (path: string) => `(coalesce(current_setting('cgp.scope', true), '') <> '' AND ${path} <@ current_setting('cgp.scope', true)::ltree)`;

/** SQL predicate: `path` is an ancestor of the caller's unit (its breadcrumb). */
export const IS_ANCESTOR = (path: string) =>
  `(coalesce(current_setting('cgp.scope', true), '') <> '' AND current_setting('cgp.scope', true)::ltree <@ ${path})`;

/** SQL predicate: `column` equals the partner's organisation id. */
export const IS_PARTNER_ORG = (column: string) =>
  `(coalesce(current_setting('cgp.partner_org', true), '') <> '' AND ${column}::text = current_setting('cgp.partner_org', true))`;

/** SQL predicate: `codeColumn` is one of the partner's paired communities. */
export const IS_PARTNER_COMMUNITY = (codeColumn: string) =>
  `(coalesce(current_setting('cgp.partner_communities', true), '') <> '' AND ${codeColumn} = ANY (string_to_array(current_setting('cgp.partner_communities', true), ',')))`;

/** SQL predicate: the caller is a resident or the hotline (`kind`), bringing work into the unit whose subtree holds `path`. */
export const IN_INTAKE = (kind: 'RESIDENT' | 'HOTLINE', path: string) =>
  `(coalesce(current_setting('cgp.intake_kind', true), '') = '${kind}' AND coalesce(current_setting('cgp.intake_path', true), '') <> '' AND ${path} <@ current_setting('cgp.intake_path', true)::ltree)`;

/** SQL predicate: `column` is the signed-in resident's household. */
export const IS_HOUSEHOLD = (column: string) =>
  `(coalesce(current_setting('cgp.household', true), '') <> '' AND ${column}::text = current_setting('cgp.household', true))`;

/** Creates the application role (once per server) and lets it use a schema's tables, not own them. */
export function grantAppRole(schema: string, password: string): string[] {
  return [
    `DO $$ BEGIN
       CREATE ROLE ${APP_ROLE} LOGIN PASSWORD '${password.replace(/'/g, "''")}' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
     EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
     END $$`,
    `GRANT USAGE ON SCHEMA "${schema}" TO ${APP_ROLE}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO ${APP_ROLE}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "${schema}" TO ${APP_ROLE}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA "${schema}" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA "${schema}" GRANT USAGE, SELECT ON SEQUENCES TO ${APP_ROLE}`,
  ];
}

/** Turns on forced row-level security on a table with one policy for reads and writes. */
export function scopePolicy(table: string, predicate: string): string[] {
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY scope ON ${table} TO ${APP_ROLE} USING (${predicate}) WITH CHECK (${predicate})`,
  ];
}

/** Policy for a unit table: the subtree, the ancestors (breadcrumb) and, optionally, a partner's paired communities. */
export function unitTablePolicy(table: string, options: { partnerCommunities?: boolean } = {}): string[] {
  const visible = [IN_SCOPE('path'), IS_ANCESTOR('path'), ...(options.partnerCommunities ? [IS_PARTNER_COMMUNITY('code')] : [])].join(' OR ');
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY scope_read ON ${table} FOR SELECT TO ${APP_ROLE} USING (${visible})`,
    `CREATE POLICY scope_write ON ${table} FOR UPDATE TO ${APP_ROLE} USING (${IN_SCOPE('path')}) WITH CHECK (${IN_SCOPE('path')})`,
  ];
}

/** Runs a list of statements in a migration. */
export async function runAll(q: { query(sql: string): Promise<unknown> }, statements: string[]): Promise<void> {
  for (const sql of statements) await q.query(sql);
}

/** The audit table of unmasked personal-data reads, in a subgraph's own schema; readable by auditors within their scope, never changed. */
export function personalDataAuditTable(schema: string): string[] {
  const table = `"${schema}".personal_data_read`;
  return [
    `CREATE TABLE ${table} (
       id bigserial PRIMARY KEY,
       at timestamptz NOT NULL DEFAULT now(),
       actor_sub varchar(200) NOT NULL,
       actor_tier varchar(16) NOT NULL,
       actor_unit varchar(18),
       record_type varchar(50) NOT NULL,
       record_id varchar(64) NOT NULL,
       field varchar(50) NOT NULL,
       operation varchar(200),
       request_id varchar(100) NOT NULL,
       path ltree NOT NULL
     )`,
    `CREATE INDEX personal_data_read_path ON ${table} USING gist (path)`,
    `CREATE INDEX personal_data_read_at ON ${table} (at DESC, id DESC)`,
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY audit_write ON ${table} FOR INSERT TO ${APP_ROLE} WITH CHECK (${IN_SCOPE('path')})`,
    `CREATE POLICY audit_read ON ${table} FOR SELECT TO ${APP_ROLE} USING (${IN_SCOPE('path')})`,
    `REVOKE UPDATE, DELETE ON ${table} FROM ${APP_ROLE}`,
  ];
}

/** The audit table, for a subgraph whose features may each be the first to need it. */
export function personalDataAuditTableIfMissing(schema: string): string[] {
  return [
    `DO $$ BEGIN
       IF to_regclass('"${schema}".personal_data_read') IS NULL THEN
         ${personalDataAuditTable(schema)
           .map((sql) => `EXECUTE ${quoteLiteral(sql)};`)
           .join('\n         ')}
       END IF;
     END $$`,
  ];
}

function quoteLiteral(sql: string): string {
  return `'${sql.replace(/'/g, "''")}'`;
}
