import { Access, accessToCode, badInput, forbidden, pathOfCode, type RequestContext } from '@cgp/core';
import { ASSESSMENT_COLUMNS, toAssessment, type Assessment, type AssessmentRow, type RankedAssessment } from './assessment.type';
import { PERIOD, PERIOD_HINT, type RecordAssessmentInput } from './assessment.input';

/**
 * Assessments (alias a) of one period inside a unit's subtree and the caller's scope: what both
 * rankings (the communities of a subtree, and a unit's child units) rank.
 */
export const ASSESSED = (periodParam: string, unitPath: string, scopeParam: string) =>
  `a.period = ${periodParam} AND a.path <@ ${unitPath} AND a.path <@ ${scopeParam}::ltree`;

const SCORE_FIELDS = ['selfGovernance', 'management', 'service', 'publicSecurity', 'environment', 'ethos'] as const;

/** Harmonious-community assessments on the six goods: recorded by the district, read by every tier in its subtree. */
export const AssessmentService = {
  /** Records a community's assessment for a period; one per community and period. */
  async record(ctx: RequestContext, input: RecordAssessmentInput): Promise<Assessment> {
    if (accessToCode(ctx.identity, input.communityCode) !== Access.FULL) {
      throw forbidden(`Community ${input.communityCode} is outside your district: you can assess only communities of your district`);
    }
    for (const field of SCORE_FIELDS) {
      const value = input.scores[field];
      if (Math.abs(value * 100 - Math.round(value * 100)) > 1e-6)
        throw badInput(`scores.${field} must have at most 2 decimals; got ${value}`, `scores.${field}`);
    }
    const s = input.scores;
    const rows = await ctx.query<AssessmentRow>(
      `INSERT INTO district.assessment (community_code, path, period, self_governance, management, service, public_security, environment, ethos, assessor, comments)
       VALUES ($1, $2::ltree, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (community_code, period) DO NOTHING
       RETURNING ${ASSESSMENT_COLUMNS}`,
      [
        input.communityCode,
        pathOfCode(input.communityCode),
        input.period,
        s.selfGovernance,
        s.management,
        s.service,
        s.publicSecurity,
        s.environment,
        s.ethos,
        ctx.identity.sub,
        input.comments ?? '',
      ],
    );
    if (!rows[0]) {
      throw badInput(
        `Community ${input.communityCode} is already assessed for ${input.period}; an assessment is recorded once per community and period (assess another period, e.g. ${input.period}-H2, or keep the one recorded)`,
        'input.period',
      );
    }
    return toAssessment(rows[0]);
  },

  /** A community's assessments, newest period first; every community asked in one request costs one statement. */
  ofCommunity(ctx: RequestContext, code: string): Promise<Assessment[]> {
    return ctx
      .loader<string, Assessment[]>('district.assessmentsOfCommunity', async (codes) => {
        const rows = await ctx.query<AssessmentRow>(
          `SELECT ${ASSESSMENT_COLUMNS} FROM district.assessment WHERE community_code = ANY($1) AND path <@ $2::ltree ORDER BY period DESC`,
          [codes, ctx.scope],
        );
        const byCode = new Map<string, Assessment[]>();
        for (const row of rows) {
          let list = byCode.get(row.communityCode);
          if (!list) byCode.set(row.communityCode, (list = []));
          list.push(toAssessment(row));
        }
        return codes.map((c) => byCode.get(c) ?? []);
      })
      .load(code);
  },

  /** Communities of a unit's subtree ranked by total for a period (SQL rank()). */
  async ranking(ctx: RequestContext, unitCode: string, period: string, first: number): Promise<RankedAssessment[]> {
    if (!PERIOD.test(period)) throw badInput(`period must be ${PERIOD_HINT}; got "${period}"`, 'period');
    if (!Number.isInteger(first) || first < 1 || first > 500) throw badInput(`first must be between 1 and 500; got ${first}`, 'first');
    const rows = await ctx.query<AssessmentRow & { rank: number }>(
      `SELECT * FROM (
         SELECT ${ASSESSMENT_COLUMNS}, rank() OVER (ORDER BY total DESC)::int AS rank
           FROM district.assessment a
          WHERE ${ASSESSED('$1', '$2::ltree', '$3')}
       ) ranked
       ORDER BY rank, "communityCode"
       LIMIT $4`,
      [period, pathOfCode(unitCode), ctx.scope, first],
    );
    return rows.map((row) => {
      const a = toAssessment(row);
      return { rank: row.rank, community: { code: a.communityCode }, period: a.period, total: a.total, scores: a.scores, path: a.path };
    });
  },
};
