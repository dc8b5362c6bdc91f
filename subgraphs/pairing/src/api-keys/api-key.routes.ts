import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource, EntityManager } from 'typeorm';
import { createLogger, json, type HttpRoute, type Verifier, uuidIs } from '@cgp/core';
import { hashPartnerApiKey, PARTNER_API_KEY_PATTERN } from './api-key.secret';

/** What the gateway learns about a valid key: whom it speaks for, to put in the partner's short-lived token. */
export interface PartnerKeyPrincipal {
  keyId: string;
  prefix: string;
  /** The social organisation's or enterprise's id (the token's `org`). */
  org: string;
  /** Codes of the communities of the partner's running pairings (the token's `communities`). */
  communities: string[];
}

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

const INVALID = { error: 'invalid_api_key', message: 'The API key is not valid (unknown or revoked)' };

/** Marks a key used, at most once a minute (the gateway asks on every request). */
async function touch(m: EntityManager, id: string): Promise<void> {
  await m.query(
    `UPDATE pairing.partner_api_key SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [id],
  );
}

/** The communities of the partner's running pairings; the transaction must have set cgp.partner_org to it. */
async function pairedCommunities(m: EntityManager, org: string): Promise<string[]> {
  const rows: { code: string }[] = await m.query(
    `SELECT DISTINCT community_code AS code FROM pairing.pairing
      WHERE (${uuidIs('social_organisation_id', '$1')} OR ${uuidIs('enterprise_id', '$1')}) AND (ended_on IS NULL OR ended_on > current_date) ORDER BY 1`,
    [org],
  );
  return rows.map((r) => r.code);
}

/**
 * The pairing subgraph's partner-key routes, for the gateway (the only client: in a cluster the
 * NetworkPolicy lets only the gateway reach subgraphs). Both are safe to reach directly: /verify answers
 * only someone who holds a valid key (256 random bits) with what that key's own token would say, and
 * /check only someone who holds a valid token made from a key. Neither ever logs a key.
 *
 * - `POST /partner-keys/verify` `{ "apiKey": "cgppk_…" }` → 200 {@link PartnerKeyPrincipal}, or 401 when
 *   the key is unknown, revoked or malformed. The key is looked up by its SHA-256 under row-level
 *   security that shows this one row only (`cgp.api_key_hash`).
 * - `POST /partner-keys/check` with `Authorization: Bearer <partner token made from a key>` → 200
 *   `{ active: true }` while the token's key is not revoked, 401 otherwise.
 */
export function partnerKeyRoutes(db: DataSource, verify: Verifier): Record<string, HttpRoute> {
  const guard =
    (handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): HttpRoute =>
    async (req, res) => {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end(JSON.stringify({ error: 'method_not_allowed' }));
        return;
      }
      try {
        await handler(req, res);
      } catch (error) {
        logger.error({ err: error }, 'partner key check failed');
        if (!res.headersSent) json(res, 503, { error: 'unavailable', message: 'Partner keys cannot be checked right now' });
      }
    };

  return {
    '/partner-keys/verify': guard(async (req, res) => {
      let key = '';
      try {
        const body = JSON.parse(await readBody(req)) as { apiKey?: unknown };
        if (typeof body.apiKey === 'string') key = body.apiKey;
      } catch {
        /* a malformed body is an invalid key */
      }
      if (!PARTNER_API_KEY_PATTERN.test(key)) return json(res, 401, INVALID);
      const hash = hashPartnerApiKey(key);
      const principal = await db.transaction(async (m) => {
        await m.query(`SELECT set_config('cgp.api_key_hash', $1, true)`, [hash]);
        const [row]: { id: string; prefix: string; org: string }[] = await m.query(
          `SELECT id, prefix, coalesce(social_organisation_id, enterprise_id)::text AS org FROM pairing.partner_api_key WHERE key_hash = $1 AND revoked_at IS NULL`,
          [hash],
        );
        if (!row) return null;
        await touch(m, row.id);
        await m.query(`SELECT set_config('cgp.partner_org', $1, true)`, [row.org]);
        return { keyId: row.id, prefix: row.prefix, org: row.org, communities: await pairedCommunities(m, row.org) } satisfies PartnerKeyPrincipal;
      });
      if (!principal) return json(res, 401, INVALID);
      json(res, 200, principal);
    }),

    '/partner-keys/check': guard(async (req, res) => {
      let identity;
      try {
        identity = await verify(req.headers.authorization);
      } catch {
        return json(res, 401, { error: 'invalid_token' });
      }
      const { apiKey, org } = identity;
      if (!apiKey || !org) return json(res, 400, { error: 'not_a_key_token', message: 'This token was not made from a partner API key' });
      const active = await db.transaction(async (m) => {
        await m.query(`SELECT set_config('cgp.api_key_id', $1, true)`, [apiKey]);
        const [row]: { org: string }[] = await m.query(
          `SELECT coalesce(social_organisation_id, enterprise_id)::text AS org FROM pairing.partner_api_key WHERE ${uuidIs('id', '$1')} AND revoked_at IS NULL`,
          [apiKey],
        );
        if (!row || row.org !== org) return false;
        await touch(m, apiKey);
        return true;
      });
      if (!active) return json(res, 401, INVALID);
      json(res, 200, { active: true });
    }),
  };
}
