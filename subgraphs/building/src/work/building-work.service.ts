import { randomUUID } from 'node:crypto';
import { badInput, callPeer, childConnection, forbidden, Role, type ConnectionData, type PageArgs, type RequestContext } from '@cgp/core';
import type { InstabilityCheckInput, OpinionInput } from './building-work.input';
import { CHECK_COLUMNS, LEADER_COLUMNS, OPINION_COLUMNS, type BuildingLeader, type InstabilityCheck, type Opinion } from './building-work.type';

function assertLeaderOf(ctx: RequestContext, buildingCode: string): void {
  if (ctx.identity.unit !== buildingCode || !ctx.identity.roles.includes(Role.BUILDING_LEADER)) {
    throw forbidden(`Only the building leader of ${buildingCode} records its opinions and checks`);
  }
}

function assertNotFuture(date: string, field: string): void {
  if (Number.isNaN(Date.parse(date))) throw badInput(`${field} is not a real date: ${date}`, field);
  if (date > new Date().toISOString().slice(0, 10)) throw badInput(`${field} is in the future: ${date}`, field);
}

/** The building leader's work: collected opinions and instability checks; a check that finds a problem raises a grid case. */
export const BuildingWorkService = {
  leader(ctx: RequestContext, buildingCode: string): Promise<BuildingLeader | null> {
    return ctx
      .loader<string, BuildingLeader | null>('building.leader', async (codes) => {
        const rows = await ctx.query<BuildingLeader>(`SELECT ${LEADER_COLUMNS} FROM building.building_leader WHERE building_code = ANY($1)`, [codes]);
        return codes.map((c) => rows.find((r) => r.buildingCode === c) ?? null);
      })
      .load(buildingCode);
  },

  opinions(ctx: RequestContext, buildingCode: string, args: PageArgs): Promise<ConnectionData<Opinion>> {
    return childConnection<Opinion>(
      ctx,
      {
        name: 'building.opinions',
        table: 'building.opinion',
        columns: OPINION_COLUMNS,
        parentColumn: 'building_code',
        orderColumn: 'id',
        orderKey: (o) => o.id,
        scopeColumn: 'path',
      },
      buildingCode,
      args,
    );
  },

  checks(ctx: RequestContext, buildingCode: string, args: PageArgs): Promise<ConnectionData<InstabilityCheck>> {
    return childConnection<InstabilityCheck>(
      ctx,
      {
        name: 'building.checks',
        table: 'building.instability_check',
        columns: CHECK_COLUMNS,
        parentColumn: 'building_code',
        orderColumn: 'id',
        orderKey: (c) => c.id,
        scopeColumn: 'path',
      },
      buildingCode,
      args,
    );
  },

  async recordOpinion(ctx: RequestContext, input: OpinionInput): Promise<Opinion> {
    assertLeaderOf(ctx, input.buildingCode);
    assertNotFuture(input.collectedOn, 'collectedOn');
    const [row] = await ctx.query<Opinion>(
      `INSERT INTO building.opinion (id, building_code, topic, content, residents, collected_on, recorded_by, path)
       SELECT gen_random_uuid(), code, $2, $3, $4, $5, $6, path FROM building.building WHERE code = $1
       RETURNING ${OPINION_COLUMNS}`,
      [input.buildingCode, input.topic, input.content, input.residents, input.collectedOn, ctx.identity.sub],
    );
    if (!row) throw badInput(`There is no building ${input.buildingCode}`, 'buildingCode');
    return row;
  },

  /**
   * Records a check; when it found a problem, raises the grid case in the same step (the grid
   * subgraph is asked on the leader's behalf, with the leader's own rights) and links the two.
   * Should this request fail after the case was raised, reporting the same check again returns
   * that case rather than a second one.
   */
  async recordCheck(ctx: RequestContext, input: InstabilityCheckInput): Promise<InstabilityCheck> {
    assertLeaderOf(ctx, input.buildingCode);
    assertNotFuture(input.checkedOn, 'checkedOn');
    if (!input.problemFound && input.caseCategory) throw badInput('caseCategory is only for a check that found a problem', 'caseCategory');
    const id = randomUUID();
    const [check] = await ctx.query<InstabilityCheck>(
      `INSERT INTO building.instability_check (id, building_code, checked_on, problem_found, description, recorded_by, path)
       SELECT $1, code, $3, $4, $5, $6, path FROM building.building WHERE code = $2
       RETURNING ${CHECK_COLUMNS}`,
      [id, input.buildingCode, input.checkedOn, input.problemFound, input.description, ctx.identity.sub],
    );
    if (!check) throw badInput(`There is no building ${input.buildingCode}`, 'buildingCode');
    if (!input.problemFound) return check;
    const raised = await callPeer<{ reportCase: { id: string } }>(
      ctx,
      'grid',
      `mutation RaiseCaseFromCheck($input: ReportCaseInput!) { reportCase(input: $input) { id } }`,
      {
        input: {
          gridCode: input.buildingCode.slice(0, 15),
          buildingCode: input.buildingCode,
          category: input.caseCategory ?? 'SOCIAL_MANAGEMENT',
          title: `不稳定因素排查: ${input.description.slice(0, 80)}`,
          description: input.description,
          sourceCheckId: id,
        },
      },
    );
    const [linked] = await ctx.query<InstabilityCheck>(`UPDATE building.instability_check SET case_id = $2 WHERE id = $1 RETURNING ${CHECK_COLUMNS}`, [
      id,
      raised.reportCase.id,
    ]);
    return linked;
  },
};
