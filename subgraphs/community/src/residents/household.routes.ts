import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import { CallerKind, createLogger, json, type HttpRoute, type Verifier } from '@cgp/core';

const logger = createLogger('subgraph-community');

/**
 * `POST /households/check` with `Authorization: Bearer <resident token>` → 200 `{ backed: true }` when the
 * token's household is registered in the community it claims, else 403 `{ backed: false, message }`.
 * Asked by every service before it serves a RESIDENT token (core `AppointmentCheck`), as staff tokens are
 * checked against appointments. The one row is read under row-level security (`cgp.household`).
 */
export function householdRoutes(db: DataSource, verify: Verifier): Record<string, HttpRoute> {
  const check: HttpRoute = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end(JSON.stringify({ error: 'method_not_allowed' }));
      return;
    }
    let identity;
    try {
      identity = await verify(req.headers.authorization);
    } catch {
      return json(res, 401, { error: 'invalid_token' });
    }
    if (identity.kind !== CallerKind.RESIDENT || !identity.household || !identity.intake)
      return json(res, 400, { error: 'not_a_resident_token', message: 'Only resident tokens name a household' });
    try {
      const household = identity.household;
      const rows = await db.transaction(async (m) => {
        await m.query(`SELECT set_config('cgp.household', $1, true)`, [household]);
        return m.query<{ communityCode: string }[]>(`SELECT community_code AS "communityCode" FROM community.household WHERE id = $1::uuid`, [household]);
      });
      if (rows[0]?.communityCode === identity.intake.unit) return json(res, 200, { backed: true });
      json(res, 403, {
        backed: false,
        message: rows.length
          ? `household ${household} is not in community ${identity.intake.unit}: this token no longer gives access`
          : `household ${household} is not registered: a resident signs in for a household of the community's register`,
      });
    } catch (error) {
      logger.error({ err: error }, 'household check failed');
      if (!res.headersSent) json(res, 503, { error: 'unavailable', message: 'Households cannot be checked right now' });
    }
  };
  return { '/households/check': check };
}
