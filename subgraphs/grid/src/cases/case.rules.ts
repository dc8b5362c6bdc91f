import { rule } from 'graphql-shield';
import { Access, accessToPath, forbidden, type RequestContext } from '@cgp/core';
import { isHotlinesCase, isResidentsCase } from './case.workflow';

/** A case, or a record hanging on one (its files), as the rules see it. */
interface CaseLike {
  path?: string;
  reporterHousehold?: string | null;
  hotlineTicket?: string | null;
}

/**
 * Who may read a case's fields: staff whose subtree holds it; the resident whose household reported it;
 * the hotline for its tickets' cases. Everyone else: FORBIDDEN.
 */
export const caseReader = rule('caseReader', { cache: 'no_cache' })((parent: CaseLike, _args, ctx: RequestContext) => {
  const path = parent.path ?? '';
  if (path && accessToPath(ctx.identity, path) === Access.FULL) return true;
  const c = { path, reporterHousehold: parent.reporterHousehold ?? null, hotlineTicket: parent.hotlineTicket ?? null };
  return path && (isResidentsCase(ctx.identity, c) || isHotlinesCase(ctx.identity, c)) ? true : forbidden();
});
