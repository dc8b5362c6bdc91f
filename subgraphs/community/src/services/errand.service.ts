import { badInput, forbidden, groupRows, pathOfCode, uuidIn, uuidIs, type RequestContext } from '@cgp/core';
import { assertPastDate } from '../residents/date.scalar';
import type { AgentInput, ErrandInput } from './errand.input';
import { AGENT_COLUMNS, ERRAND_COLUMNS, ErrandStatus, type Errand, type ErrandCounts, type LivelihoodAgent } from './errand.type';
import { assertStaffOf } from './services.access';

const COUNTS = `count(e.id)::int AS total, count(e.id) FILTER (WHERE e.status = 'DONE')::int AS done,
  count(e.id) FILTER (WHERE e.kind = 'UTILITY_BILL')::int AS "utilityBills", count(e.id) FILTER (WHERE e.kind = 'ALLOWANCE_APPLICATION')::int AS "allowanceApplications",
  count(e.id) FILTER (WHERE e.kind NOT IN ('UTILITY_BILL', 'ALLOWANCE_APPLICATION'))::int AS other`;
const EMPTY: ErrandCounts = { total: 0, done: 0, utilityBills: 0, allowanceApplications: 0, other: 0 };

/** Livelihood agents and the errands they do for residents. */
export const ErrandService = {
  agentsOfGrid(ctx: RequestContext, gridCode: string): Promise<LivelihoodAgent[]> {
    return ctx
      .loader<string, LivelihoodAgent[]>('errand.agentsOfGrid', async (codes) => {
        const rows = await ctx.query<LivelihoodAgent>(
          `SELECT ${AGENT_COLUMNS} FROM community.livelihood_agent WHERE grid_code = ANY($1) AND path <@ $2::ltree ORDER BY name`,
          [codes, ctx.scope],
        );
        return groupRows(codes, rows, (a) => a.gridCode);
      })
      .load(gridCode);
  },

  errandsOfAgent(ctx: RequestContext, agentId: string, limit: number): Promise<Errand[]> {
    return ctx
      .loader<string, Errand[]>(`errand.ofAgent:${limit}`, async (ids) => {
        const rows = await ctx.query<Errand>(
          `SELECT * FROM (SELECT ${ERRAND_COLUMNS}, row_number() OVER (PARTITION BY agent_id ORDER BY requested_on DESC, id) AS rn
             FROM community.errand WHERE ${uuidIn('agent_id', '$1')} AND path <@ $2::ltree) e WHERE rn <= $3`,
          [ids, ctx.scope, limit],
        );
        return groupRows(ids, rows, (e) => e.agentId);
      })
      .load(agentId);
  },

  /** Errand counts in each asked unit's subtree, optionally for a period: one GROUP BY for all units of a request. */
  countsForUnit(ctx: RequestContext, unitCode: string, from: string | null, to: string | null): Promise<ErrandCounts> {
    return ctx
      .figures<ErrandCounts>(`errand.countsForUnit:${from}:${to}`, async (codes) => {
        const rows = await ctx.query<ErrandCounts & { code: string }>(
          `SELECT u.code, ${COUNTS} FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
             JOIN community.errand e ON e.path <@ u.path
            WHERE e.path <@ $3::ltree AND ($4::date IS NULL OR e.requested_on >= $4) AND ($5::date IS NULL OR e.requested_on < $5)
            GROUP BY u.code`,
          [codes, codes.map(pathOfCode), ctx.scope, from, to],
        );
        return codes.map((c) => rows.find((r) => r.code === c) ?? EMPTY);
      })
      .load(unitCode);
  },

  async countsPerAgent(ctx: RequestContext, unitCode: string): Promise<{ agent: LivelihoodAgent; counts: ErrandCounts }[]> {
    const rows = await ctx.query<LivelihoodAgent & ErrandCounts>(
      `SELECT a.id, a.name, a.phone, a.grid_code AS "gridCode", a.active, a.path::text AS path, ${COUNTS}
         FROM community.livelihood_agent a LEFT JOIN community.errand e ON e.agent_id = a.id
        WHERE a.path <@ $1::ltree AND a.path <@ $2::ltree
        GROUP BY a.id ORDER BY total DESC, a.name`,
      [pathOfCode(unitCode), ctx.scope],
    );
    return rows.map(({ total, done, utilityBills, allowanceApplications, other, ...agent }) => ({
      agent,
      counts: { total, done, utilityBills, allowanceApplications, other },
    }));
  },

  async registerAgent(ctx: RequestContext, input: AgentInput): Promise<LivelihoodAgent> {
    assertStaffOf(ctx, input.gridCode, 'register livelihood agents for this grid');
    const [agent] = await ctx.query<LivelihoodAgent>(
      `INSERT INTO community.livelihood_agent (id, name, phone, grid_code, path) VALUES (gen_random_uuid(), $1, $2, $3, $4::ltree) RETURNING ${AGENT_COLUMNS}`,
      [input.name, input.phone ?? null, input.gridCode, pathOfCode(input.gridCode)],
    );
    return agent;
  },

  async recordErrand(ctx: RequestContext, input: ErrandInput): Promise<Errand> {
    const [agent] = await ctx.query<LivelihoodAgent>(`SELECT ${AGENT_COLUMNS} FROM community.livelihood_agent WHERE ${uuidIs('id', '$1')}`, [input.agentId]);
    if (!agent) throw forbidden('No livelihood agent with this id in your unit');
    assertStaffOf(ctx, agent.gridCode, 'record errands of this agent');
    assertPastDate(input.requestedOn, 'requestedOn');
    if (input.doneOn) {
      assertPastDate(input.doneOn, 'doneOn');
      if (input.doneOn < input.requestedOn) throw badInput('doneOn is before requestedOn', 'doneOn');
    }
    const [errand] = await ctx.query<Errand>(
      `INSERT INTO community.errand (id, agent_id, kind, status, resident_name, requested_on, done_on, note, recorded_by, path)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9::ltree) RETURNING ${ERRAND_COLUMNS}`,
      [
        agent.id,
        input.kind,
        input.doneOn ? 'DONE' : 'REQUESTED',
        input.residentName,
        input.requestedOn,
        input.doneOn ?? null,
        input.note ?? null,
        ctx.identity.sub,
        agent.path,
      ],
    );
    return errand;
  },

  async completeErrand(ctx: RequestContext, errandId: string, doneOn: string): Promise<Errand> {
    const [errand] = await ctx.query<Errand>(`SELECT ${ERRAND_COLUMNS} FROM community.errand WHERE ${uuidIs('id', '$1')}`, [errandId]);
    if (!errand) throw forbidden('No errand with this id in your unit');
    const [agent] = await ctx.query<LivelihoodAgent>(`SELECT ${AGENT_COLUMNS} FROM community.livelihood_agent WHERE id = $1`, [errand.agentId]);
    assertStaffOf(ctx, agent.gridCode, 'complete errands of this agent');
    assertPastDate(doneOn, 'doneOn');
    if (errand.status === ErrandStatus.DONE) throw badInput('This errand is already done', 'errandId');
    if (doneOn < errand.requestedOn) throw badInput('doneOn is before the errand was asked for', 'doneOn');
    const [done] = await ctx.query<Errand>(
      `UPDATE community.errand SET status = 'DONE', done_on = $2 WHERE ${uuidIs('id', '$1')} AND status = 'REQUESTED' RETURNING ${ERRAND_COLUMNS}`,
      [errandId, doneOn],
    );
    if (!done) throw badInput('This errand is already done', 'errandId');
    return done;
  },
};
