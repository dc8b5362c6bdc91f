import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import { CallerKind, chinaToday, createLogger, json, type HttpRoute, type Verifier } from '@cgp/core';

const logger = createLogger('subgraph-district');

/**
 * `POST /appointments/check` with `Authorization: Bearer <staff token>` → 200 `{ backed: true }` when
 * appointments current today give the token's subject every role it claims at the unit it claims, else
 * 403 `{ backed: false, message }` saying what is missing. Asked by every service before it serves a
 * staff token (core `AppointmentCheck`), through the gateway or directly. The rows are read under
 * row-level security that shows this subject's own appointments only (`cgp.appointment_sub`).
 */
export function appointmentRoutes(db: DataSource, verify: Verifier): Record<string, HttpRoute> {
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
    if (identity.kind === CallerKind.PARTNER || !identity.unit)
      return json(res, 400, { error: 'not_a_staff_token', message: 'Partner tokens hold no appointment' });
    try {
      const today = chinaToday();
      const rows = await db.transaction(async (m) => {
        await m.query(`SELECT set_config('cgp.appointment_sub', $1, true)`, [identity.sub]);
        return m.query<{ roles: string[]; startedOn: string; endedOn: string | null }[]>(
          `SELECT roles, to_char(started_on, 'YYYY-MM-DD') AS "startedOn", to_char(ended_on, 'YYYY-MM-DD') AS "endedOn"
             FROM district.appointment WHERE sub = $1 AND unit_code = $2 ORDER BY started_on DESC`,
          [identity.sub, identity.unit],
        );
      });
      const current = rows.filter((r) => r.startedOn <= today && (!r.endedOn || r.endedOn > today));
      const held = new Set(current.flatMap((r) => r.roles));
      const missing = identity.roles.filter((r) => !held.has(r));
      if (current.length && !missing.length) return json(res, 200, { backed: true, roles: [...held] });
      const where = `${identity.kind.toLowerCase()} ${identity.unit}`;
      let message: string;
      if (current.length)
        message = `${identity.sub} is not appointed ${missing.join(', ')} at ${where} (holds ${[...held].join(', ')}): ask for a token with those roles only`;
      else if (rows.some((r) => r.endedOn && r.endedOn <= today))
        message = `${identity.sub}'s appointment at ${where} ended on ${rows.find((r) => r.endedOn && r.endedOn <= today)!.endedOn}: this token no longer gives access`;
      else if (rows.length) message = `${identity.sub}'s appointment at ${where} starts on ${rows[rows.length - 1].startedOn}`;
      else message = `${identity.sub} holds no appointment at ${where}: staff of the tier above appoint people (appointStaff)`;
      json(res, 403, { backed: false, message });
    } catch (error) {
      logger.error({ err: error }, 'appointment check failed');
      if (!res.headersSent) json(res, 503, { error: 'unavailable', message: 'Appointments cannot be checked right now' });
    }
  };
  return { '/appointments/check': check };
}
