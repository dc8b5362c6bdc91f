import { Pool } from 'pg';
import { PLATFORM_TIME_ZONE } from '@cgp/core';

/**
 * The SQL floor of the district dashboard: the same figures for every community of a district (and
 * the district's case figures), written by hand as one grouped statement per domain and run directly
 * on the database as its owner (no GraphQL, no HTTP, no row-level security), the statements of one
 * dashboard in parallel as the subgraphs run them. What is left is what PostgreSQL itself needs.
 */
export const FLOOR_STATEMENTS: Record<string, string> = {
  units: `SELECT s.code AS street, s.name AS street_name, c.code, c.name, c.households, c.population, c.staff, c.area_km2
            FROM street.street s JOIN community.community c ON c.path <@ s.path
           WHERE s.path <@ $1::ltree ORDER BY s.code, c.code`,
  cases: `SELECT subpath(c.path, 0, 3)::text AS community,
                 count(*) FILTER (WHERE c.state NOT IN ('CLOSED', 'REJECTED'))::int AS open,
                 count(*) FILTER (WHERE c.state NOT IN ('CLOSED', 'REJECTED') AND c.deadline < now())::int AS overdue,
                 count(*) FILTER (WHERE c.reported_at >= $2::date AND c.reported_at < $3::date)::int AS reported,
                 count(*) FILTER (WHERE c.state = 'CLOSED' AND c.closed_at >= $2::date AND c.closed_at < $3::date)::int AS closed,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.closed_at - c.reported_at) / 3600)
                   FILTER (WHERE c.state = 'CLOSED' AND c.closed_at >= $2::date AND c.closed_at < $3::date) AS median_hours
            FROM grid.grid_case c WHERE c.path <@ $1::ltree GROUP BY ROLLUP (1)`,
  buildingWork: `SELECT community, sum(leaders)::int AS leaders, sum(opinions)::int AS opinions, sum(residents)::int AS residents, sum(checks)::int AS checks, sum(problems)::int AS problems
                   FROM (SELECT subpath(l.path, 0, 3) AS community, count(*) AS leaders, 0 AS opinions, 0 AS residents, 0 AS checks, 0 AS problems
                           FROM building.building_leader l WHERE l.path <@ $1::ltree GROUP BY 1
                         UNION ALL
                         SELECT subpath(o.path, 0, 3), 0, count(*), sum(o.residents), 0, 0
                           FROM building.opinion o WHERE o.path <@ $1::ltree AND o.collected_on >= $2::date AND o.collected_on < $3::date GROUP BY 1
                         UNION ALL
                         SELECT subpath(k.path, 0, 3), 0, 0, 0, count(*), count(*) FILTER (WHERE k.problem_found)
                           FROM building.instability_check k WHERE k.path <@ $1::ltree AND k.checked_on >= $2::date AND k.checked_on < $3::date GROUP BY 1) x
                  GROUP BY community`,
  partyMembers: `SELECT subpath(m.path, 0, 3)::text AS community, count(*)::int AS total,
                        count(*) FILTER (WHERE m.kind = 'RESIDENT')::int AS resident,
                        count(*) FILTER (WHERE m.kind = 'IN_SERVICE')::int AS in_service,
                        count(*) FILTER (WHERE m.kind = 'FLOATING')::int AS floating
                   FROM party.party_member m WHERE m.path <@ $1::ltree AND nlevel(m.path) >= 3 GROUP BY 1`,
  serviceReports: `SELECT subpath(r.path, 0, 3)::text AS community,
                          count(DISTINCT r.member_id) FILTER (WHERE r.status <> 'REJECTED')::int AS members,
                          count(*) FILTER (WHERE r.status = 'ACCEPTED')::int AS accepted,
                          count(*) FILTER (WHERE r.status = 'REPORTED')::int AS reported,
                          coalesce(sum(r.service_hours) FILTER (WHERE r.status = 'ACCEPTED'), 0)::float8 AS hours
                     FROM party.service_report r WHERE r.path <@ $1::ltree AND nlevel(r.path) >= 3 GROUP BY 1`,
  tasks: `SELECT subpath(a.path, 0, 3)::text AS community,
                 count(*) FILTER (WHERE a.status IN ('ADMITTED', 'DONE'))::int AS admitted,
                 count(*) FILTER (WHERE a.status = 'ADMITTED')::int AS open,
                 count(*) FILTER (WHERE a.status = 'REFUSED')::int AS refused,
                 count(*) FILTER (WHERE a.status = 'PENDING' AND t.status = 'SUBMITTED')::int AS pending,
                 coalesce(sum(a.funding_share) FILTER (WHERE a.status IN ('ADMITTED', 'DONE')), 0)::float8 AS funding
            FROM street.task_assignment a JOIN street.admin_task t ON t.id = a.task_id
           WHERE a.path <@ $1::ltree GROUP BY 1`,
  assessments: `SELECT subpath(a.path, 0, 3)::text AS community, count(*)::int AS assessed, round(avg(a.total), 2)::float8 AS average
                  FROM district.assessment a WHERE a.path <@ $1::ltree AND a.period = $2 GROUP BY 1`,
};

export interface SqlFloor {
  /** One dashboard's figures: every statement, in parallel. Resolves to the number of rows returned. */
  run(): Promise<number>;
  close(): Promise<void>;
}

export function sqlFloor(url: string, district: string, period: { from: string; to: string }, year: string, connections: number): SqlFloor {
  const pool = new Pool({ connectionString: url, max: connections * Object.keys(FLOOR_STATEMENTS).length, options: `-c TimeZone=${PLATFORM_TIME_ZONE}` });
  pool.on('error', () => undefined); // idle clients closed by a server shutting down
  // Each statement's parameters: the district path, then the period ($2, $3) or the assessment year ($2).
  const argsOf = (sql: string) => (sql.includes('$3') ? [district, period.from, period.to] : sql.includes('$2') ? [district, year] : [district]);
  return {
    async run() {
      const results = await Promise.all(Object.values(FLOOR_STATEMENTS).map((sql) => pool.query(sql, argsOf(sql))));
      return results.reduce((n, r) => n + r.rowCount!, 0);
    },
    close: () => pool.end(),
  };
}
