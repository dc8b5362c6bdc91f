import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { CallerKind, setting, signToken, type AuthConfig, type AuthThrottle, type Claims, type Env, type HttpRoute, type Logger } from '@cgp/core';
import { callGraph, readBody, statusOfError, type GraphAnswer } from './graph-call';

/*
 * Open311 GeoReport v2 at /open311/v2/ (issue 15), so existing Open311 clients (a city app, a citizen
 * reporting kiosk) file and follow cases:
 *
 *   GET  /open311/v2/services.json                     the case categories as services
 *   POST /open311/v2/requests.json                     files a request: fileHotlineTicket
 *   GET  /open311/v2/requests.json?service_request_id=a,b   the requests' status: hotlineReply
 *   GET  /open311/v2/requests/<service_request_id>.json
 *
 * Credentials: each client's `api_key` (GeoReport's own parameter) is configured by its SHA-256 in
 * OPEN311_API_KEYS with the district it files for. A key is a credential of a HOTLINE service caller, not a
 * partner key: partner keys belong to a social organisation and its paired communities and make PARTNER
 * tokens, which never file or read cases; an Open311 client brings work orders into a district exactly as
 * the 12345 hotline does. For each call the route makes a one-minute HOTLINE token (`sub`
 * `open311:<name>`, the key's id in `key`) and runs the operation through this gateway's /graphql, so the
 * graph's rules, rate limits and row-level security apply as to any caller. An Open311 client reads back
 * only the requests it filed itself.
 *
 * Mapping: `service_code` is a CaseCategory; `service_request_id` is the hotline ticket number the route
 * gives the request (`O311-` and 16 hexadecimal digits); `address_id` (GeoReport's id in the jurisdiction's
 * address register) is the building's 18-digit code, or a grid's 15-digit code: the case goes to that grid;
 * `lat`/`long` are WGS-84 (as GeoReport specifies) and stored as the case's location; `address_string` is
 * stored as its address. Status: `closed` once the case is CLOSED or REJECTED, else `open`; `status_notes`
 * is the handler's result; `agency_responsible` the handler or department. JSON only; media_url is not taken
 * (photos go through the GraphQL API, `reportMyCase`).
 */

interface Client {
  name: string;
  district: string;
  keyId: string;
}

const SERVICES = [
  {
    code: 'CITY_APPEARANCE',
    name: '市容环境 City appearance',
    description: 'Litter, illegal structures, broken facilities.',
    keywords: 'litter,structures,facilities',
  },
  { code: 'SOCIAL_MANAGEMENT', name: '社会管理 Social management', description: 'Safety hazards, instability factors.', keywords: 'safety,hazard' },
  { code: 'PUBLIC_SERVICE', name: '公共服务 Public services', description: 'Water, power, heating, allowances.', keywords: 'water,power,heating' },
  { code: 'DISPUTE', name: '矛盾纠纷 Dispute', description: 'A dispute between residents, mediated at three levels.', keywords: 'dispute,mediation' },
];
const MAX_BODY = 16_384;
const TICKET = /^O311-[0-9a-f]{16}$/;

/** OPEN311_API_KEYS parsed: the clients by the SHA-256 of their key. */
export function open311ClientsFromEnvironment(env?: Env): Map<string, Client> {
  const clients = new Map<string, Client>();
  const value = setting('OPEN311_API_KEYS', env);
  for (const entry of value ? value.split(',') : []) {
    const [, name, district, hash] = /^(.+)@(\d{6})=([0-9a-f]{64})$/.exec(entry) ?? [];
    // The key's id (the token's `key` claim) is made from its hash: stable, and not the key.
    const h = createHash('sha256').update(`open311:${hash}`).digest('hex');
    clients.set(hash, { name, district, keyId: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}` });
  }
  return clients;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
/** GeoReport's error answer: a list of { code, description }. */
const georeportError = (res: ServerResponse, status: number, description: string) => answer(res, status, [{ code: status, description }]);
function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

const REPLY = `query Open311Request($t: String!) { hotlineReply(ticketNumber: $t) {
  ticketNumber state category description latitude longitude filedAt deadline result handler repliedAt closedAt } }`;
const FILE = `mutation Open311File($i: HotlineTicketInput!) { fileHotlineTicket(input: $i) { hotlineTicket number state } }`;

interface Reply {
  ticketNumber: string;
  state: string;
  category: string;
  description: string;
  latitude: number | null;
  longitude: number | null;
  filedAt: string;
  deadline: string;
  result: string | null;
  handler: string | null;
  repliedAt: string | null;
  closedAt: string | null;
}

function georeportRequest(r: Reply) {
  const closed = r.state === 'CLOSED' || r.state === 'REJECTED';
  return {
    service_request_id: r.ticketNumber,
    status: closed ? 'closed' : 'open',
    status_notes: r.result ?? (r.state === 'REJECTED' ? 'rejected: not a case' : `received (${r.state})`),
    service_name: SERVICES.find((s) => s.code === r.category)?.name ?? r.category,
    service_code: r.category,
    description: r.description,
    agency_responsible: r.handler,
    service_notice: null,
    requested_datetime: r.filedAt,
    updated_datetime: r.closedAt ?? r.repliedAt ?? r.filedAt,
    expected_datetime: r.deadline,
    address: null,
    address_id: null,
    zipcode: null,
    lat: r.latitude,
    long: r.longitude,
    media_url: null,
  };
}

export function open311Route(
  graphqlUrl: () => string | undefined,
  auth: AuthConfig,
  logger: Logger,
  /** Failed keys count as failed sign-ins of the client's address (AUTH_FAILURE_*), as bad tokens and partner keys do. */
  throttle?: AuthThrottle,
  clients = open311ClientsFromEnvironment(),
): HttpRoute {
  const clientOf = async (req: IncomingMessage, key: unknown): Promise<Client> => {
    const address = throttle?.addressOf(req) ?? '';
    try {
      await throttle?.admit(address);
    } catch (error) {
      if (error instanceof GraphQLError) throw new Refusal(429, error.message);
      throw error;
    }
    if (typeof key !== 'string' || key.length === 0) throw new Refusal(403, 'api_key is required');
    const client = clients.get(createHash('sha256').update(key).digest('hex'));
    if (!client) {
      await throttle?.failed(address);
      throw new Refusal(403, 'api_key is not valid');
    }
    return client;
  };
  const tokenOf = async (client: Client): Promise<string> => {
    if (!auth.secret) throw new Refusal(503, 'Open311 is not enabled on this gateway (it has no AUTH_JWT_SECRET to sign its tokens with)');
    const claims: Claims = { sub: `open311:${client.name}`, tier: CallerKind.HOTLINE, unit: client.district, roles: [], key: client.keyId };
    return `Bearer ${await signToken(claims, auth.secret, 60, { issuer: auth.issuer, audience: auth.audience })}`;
  };
  const graph = async <T>(req: IncomingMessage, client: Client, query: string, variables: Record<string, unknown>): Promise<T> => {
    const url = graphqlUrl();
    if (!url) throw new Refusal(503, 'The gateway is not ready');
    const result: GraphAnswer<T> = await callGraph<T>(url, await tokenOf(client), req, query, variables);
    if (result.errors?.length) throw new Refusal(statusOfError(result), result.errors[0].message);
    return result.data as T;
  };

  const readRequests = async (req: IncomingMessage, client: Client, ids: string[]) => {
    if (ids.length === 0)
      throw new Refusal(400, 'service_request_id is required: one id, or several separated by commas (this endpoint does not list by date)');
    if (ids.length > 50) throw new Refusal(400, 'at most 50 service_request_id at once');
    const found = [];
    for (const id of ids) {
      if (!TICKET.test(id)) throw new Refusal(400, `service_request_id ${JSON.stringify(id)} is not one of this endpoint's ids (O311-…)`);
      const { hotlineReply } = await graph<{ hotlineReply: Reply | null }>(req, client, REPLY, { t: id });
      if (hotlineReply) found.push(georeportRequest(hotlineReply));
    }
    return found;
  };

  const file = async (req: IncomingMessage): Promise<unknown> => {
    const raw = await readBody(req, MAX_BODY);
    if (raw === null) throw new Refusal(413, `The request is larger than ${MAX_BODY} bytes`);
    const type = String(req.headers['content-type'] ?? '');
    let body: Record<string, unknown>;
    if (type.startsWith('application/json')) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new Refusal(400, 'The body is not JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Refusal(400, 'The body must be a JSON object');
    } else {
      body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    }
    const client = await clientOf(req, body.api_key ?? new URL(req.url ?? '/', 'http://x').searchParams.get('api_key'));
    // Form fields are strings; in a JSON body numbers are taken too, anything else is as if missing.
    const text = (name: string): string | undefined => {
      const value = body[name];
      if (typeof value === 'number') return String(value);
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const service = text('service_code');
    if (!service || !SERVICES.some((s) => s.code === service)) throw new Refusal(400, `service_code must be one of ${SERVICES.map((s) => s.code).join(', ')}`);
    const addressId = text('address_id');
    if (!addressId || !/^\d{15}(\d{3})?$/.test(addressId))
      throw new Refusal(400, 'address_id is required: the 18-digit code of the building (or the 15-digit code of the grid) the request is about');
    const description = text('description');
    if (!description) throw new Refusal(400, 'description is required');
    const lat = text('lat');
    const long = text('long');
    if ((lat === undefined) !== (long === undefined)) throw new Refusal(400, 'lat and long go together');
    const location = lat !== undefined ? { latitude: Number(lat), longitude: Number(long), system: 'WGS84' } : null;
    if (location && (!Number.isFinite(location.latitude) || !Number.isFinite(location.longitude))) throw new Refusal(400, 'lat and long must be numbers');
    const ticketNumber = `O311-${randomBytes(8).toString('hex')}`;
    const title = description.length > 40 ? `${description.slice(0, 39)}…` : description.length >= 2 ? description : `${description}.`;
    await graph(req, client, FILE, {
      i: {
        ticketNumber,
        category: service,
        title,
        description: description.slice(0, 2000),
        ...(addressId.length === 18 ? { buildingCode: addressId } : { gridCode: addressId }),
        location,
        address: text('address_string')?.slice(0, 200) ?? null,
        hotlineCategory: 'Open311',
      },
    });
    logger.info({ open311: client.name, district: client.district, ticketNumber }, 'Open311 request filed');
    return [{ service_request_id: ticketNumber, service_notice: 'Received: it goes to the grid of the building given.', account_id: null }];
  };

  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname.replace(/^\/open311\/v2\/?/, '');
      if (path.endsWith('.xml')) throw new Refusal(400, 'This endpoint answers JSON only: use the .json paths');
      if (path === 'services.json') {
        if (req.method !== 'GET') throw new Refusal(405, 'GET services.json');
        return answer(
          res,
          200,
          SERVICES.map((s) => ({
            service_code: s.code,
            service_name: s.name,
            description: s.description,
            metadata: false,
            type: 'realtime',
            keywords: s.keywords,
            group: 'grid',
          })),
        );
      }
      if (path === 'requests.json' && req.method === 'POST') return answer(res, 201, await file(req));
      const one = /^requests\/([^/]+)\.json$/.exec(path);
      if ((path === 'requests.json' || one) && req.method === 'GET') {
        const client = await clientOf(req, url.searchParams.get('api_key'));
        const ids = one ? [decodeURIComponent(one[1])] : (url.searchParams.get('service_request_id') ?? '').split(',').filter(Boolean);
        return answer(res, 200, await readRequests(req, client, ids));
      }
      throw new Refusal(404, 'Not an Open311 GeoReport v2 resource of this endpoint: services.json, requests.json, requests/<id>.json');
    } catch (error) {
      if (error instanceof Refusal) return georeportError(res, error.status, error.message);
      logger.error({ err: error }, 'Open311 request failed');
      georeportError(res, 502, 'The request could not be handled');
    }
  };
}
