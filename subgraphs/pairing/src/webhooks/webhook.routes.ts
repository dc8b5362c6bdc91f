import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import { createLogger, json, JOB_WORKER_SETTING, verifyInternal, type HttpRoute } from '@cgp/core';

const logger = createLogger('subgraph-pairing');
const MAX_BODY = 4096;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Pairing's published routes for the relays of other subgraphs (issue 15): which partners' endpoints a
 * community's events go to, and an endpoint's signing secret at delivery time. Called by background
 * workers, not on a caller's behalf, so each call is signed (core's internal-route.ts); an unsigned or
 * stale call gets 401.
 *
 * - `POST /webhook-endpoints/for-community` `{ communityCode, eventType }` → `[{ endpointId, partnerOrg, url }]`:
 *   the active endpoints subscribed to the type of every partner with a running pairing with the community.
 * - `POST /webhook-endpoints/secret` `{ endpointId }` → `{ url, secret }`, or 404 when it is disabled or unknown.
 */
export function webhookEndpointRoutes(db: DataSource): Record<string, HttpRoute> {
  // As the platform's workers (cgp.worker): the signed caller is a relay, not a person with a scope.
  const asWorker = <T>(sql: string, params: unknown[]) =>
    db.transaction(async (m): Promise<T[]> => {
      await m.query(`SELECT set_config('cgp.worker', $1, true)`, [JOB_WORKER_SETTING]);
      return m.query(sql, params);
    });
  const signed =
    (handler: (body: Record<string, unknown>, res: ServerResponse) => Promise<void>): HttpRoute =>
    async (req, res) => {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end(JSON.stringify({ error: 'method_not_allowed' }));
        return;
      }
      try {
        const raw = await readBody(req);
        if (!verifyInternal(req, raw))
          return json(res, 401, { error: 'unsigned', message: 'This route answers signed calls of the platform’s own services only' });
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          return json(res, 400, { error: 'bad_request', message: 'The body must be JSON' });
        }
        await handler(body, res);
      } catch (error) {
        logger.error({ err: error }, 'webhook endpoint route failed');
        if (!res.headersSent) json(res, 503, { error: 'unavailable' });
      }
    };

  return {
    '/webhook-endpoints/for-community': signed(async (body, res) => {
      const { communityCode, eventType } = body;
      if (typeof communityCode !== 'string' || !/^\d{12}$/.test(communityCode) || typeof eventType !== 'string') {
        return json(res, 400, { error: 'bad_request', message: 'Give communityCode (12 digits) and eventType' });
      }
      const rows = await asWorker<{ endpointId: string; partnerOrg: string; url: string }>(
        `SELECT e.id::text AS "endpointId", e.partner_org AS "partnerOrg", e.url
             FROM pairing.webhook_endpoint e
            WHERE e.disabled_at IS NULL AND $2 = ANY (e.event_types)
              AND e.partner_org IN (SELECT coalesce(social_organisation_id, enterprise_id)::text FROM pairing.pairing
                                     WHERE community_code = $1 AND (ended_on IS NULL OR ended_on > current_date))
            ORDER BY e.created_at, e.id`,
        [communityCode, eventType],
      );
      json(res, 200, rows);
    }),
    '/webhook-endpoints/secret': signed(async (body, res) => {
      const { endpointId } = body;
      if (typeof endpointId !== 'string' || !/^[0-9a-f-]{36}$/i.test(endpointId)) return json(res, 400, { error: 'bad_request', message: 'Give endpointId' });
      const [row] = await asWorker<{ url: string; secret: string }>(
        `SELECT url, secret FROM pairing.webhook_endpoint WHERE id = $1::uuid AND disabled_at IS NULL`,
        [endpointId],
      );
      if (!row) return json(res, 404, { error: 'not_found' });
      json(res, 200, row);
    }),
  };
}
