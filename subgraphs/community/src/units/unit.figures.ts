import { chinaToday, commonPath } from '@cgp/core';

/*
 * What the community subgraph's figures (population, community work) share: their statements read the
 * records under the units asked about and give each record's count to the unit it lies under, by the
 * record's ancestor path at the units' levels (equality joins, not a subtree test per unit and record).
 */

/**
 * Statement parameters after the period's: today in China (ages, the must-visits' statuses) and the
 * deepest path the units asked about all lie under (their records are read from that one subtree).
 */
export const unitFiguresParams = (_codes: readonly string[], paths: readonly string[]): unknown[] => [chinaToday(), commonPath(paths)];

/** `units(code, path)` of a statistics or trend statement: the units asked about ($1 codes, $2 paths). */
export const UNITS_ASKED = `units AS (SELECT * FROM unnest($1::text[], $2::ltree[]) AS u(code, path))`;

/**
 * The common table expressions of a ranking statement (after the frame's `u(code, path, level)`):
 * `children(parent, path)`, the children of every ranked unit as this subgraph knows them — from its
 * communities, livelihood agents (one per grid) and households (by building) inside the caller's scope
 * $3 — and `units(code, path)`, the same children, whose figures the statement computes.
 */
export const CHILD_UNITS = `children AS (
    SELECT DISTINCT u.code AS parent, x.path FROM u CROSS JOIN LATERAL (
      SELECT subpath(c.path, 0, u.level) AS path FROM community.community c WHERE c.path <@ u.path AND c.path <@ $3::ltree AND nlevel(c.path) >= u.level
      UNION SELECT subpath(a.path, 0, u.level) FROM community.livelihood_agent a WHERE a.path <@ u.path AND a.path <@ $3::ltree AND nlevel(a.path) >= u.level
      UNION SELECT subpath(h.path, 0, u.level) FROM community.household h WHERE h.path <@ u.path AND h.path <@ $3::ltree AND nlevel(h.path) >= u.level
    ) x
  ),
  units AS (SELECT DISTINCT subpath(path, -1)::text AS code, path FROM children)`;

/** `valued(parent, code, value)` of a ranking statement: every child's `column` of `figures(code, …)`. */
export const childValues = (column: string): string =>
  `valued AS (SELECT ch.parent, f.code, f."${column}"::float8 AS value FROM children ch JOIN figures f ON f.code = subpath(ch.path, -1)::text)`;

/** Whether a unit's path is of a tier that keeps profile-, wish-, volunteer- and meeting-figures (district, street, community; not a grid or building). */
export const AT_COMMUNITY_OR_ABOVE = (path: string): string => `nlevel(${path}) <= 3`;
