import { z } from 'zod';

/**
 * The platform's configuration: every environment variable any service reads, declared once here with
 * its type, default, description and the services that use it. Each service checks the variables it
 * uses when it starts (`startupConfig`) and stops with one message listing every problem (the variable,
 * the value, what is allowed) instead of failing later or with a stack trace; code reads a value with
 * `setting(name)`, or `setting(name, env)` for an environment given in-process (tests).
 *
 * Rules for every variable: an empty (or blank) value counts as unset, so the default applies; values are
 * trimmed. The table in docs/configuration.md is generated from these declarations (`pnpm config:docs`).
 *
 * This file is the only TypeScript source of the platform that touches process.env (`setting`,
 * `readConfig` and `environmentWith`, which passes the whole environment on to child processes). Read
 * elsewhere, and listed in docs/configuration.md ("Not read through the configuration"): the
 * OpenTelemetry exporter's own OTEL_* options, NODE_ENV as libraries check it themselves, the scripts
 * that run before any build (scripts/*.mjs, test/jest/global-setup.mjs), the image's entrypoint and the
 * example consumer program.
 */

/** Names of the seven subgraphs; each has its own port and may have its own database URL. */
export const SUBGRAPH_NAMES = ['district', 'street', 'community', 'grid', 'building', 'party', 'pairing'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const DEFAULT_PORTS: Record<SubgraphName | 'gateway', number> = {
  gateway: 4000,
  district: 4001,
  street: 4002,
  community: 4003,
  grid: 4004,
  building: 4005,
  party: 4006,
  pairing: 4007,
};

/**
 * How the platform runs: `single`, the seven subgraphs and the gateway in one process (the gateway calls
 * each subgraph in-process); `separate`, each its own process, reached over HTTP (Kubernetes).
 */
export const TOPOLOGIES = ['single', 'separate'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

/** The five staff tiers, each of which may have its own gateway rate limit (GATEWAY_RATE_LIMIT_<TIER>). */
export const STAFF_TIERS = ['DISTRICT', 'STREET', 'COMMUNITY', 'GRID', 'BUILDING'] as const;

/** Who reads a variable; a subgraph process checks the variables of `subgraphs` (of `migrations` for `main.js migrate`). */
export const SERVICES = ['gateway', 'subgraphs', 'migrations', 'launcher', 'bench', 'token CLI', 'demo loader', 'tests'] as const;
export type Service = (typeof SERVICES)[number];
/** A process checking its configuration: a service, or one subgraph by name. */
export type ServiceId = Service | SubgraphName;

export type Env = Readonly<Record<string, string | undefined>>;

/** What the table and the messages say about a variable. */
export interface VariableMeta {
  /** The name shown in the table for a family of variables, e.g. `<NAME>_PORT`. */
  family?: string;
  /** The names a family stands for, for the table. */
  members?: readonly string[];
  /** Short type for the table, e.g. `integer 1–200`. */
  type: string;
  /** What is allowed, for a message naming a bad value. */
  allowed: string;
  /** The default as the table shows it (`—`: unset). */
  default: string;
  usedBy: readonly Service[];
  description: string;
  /** Never echo the value (secrets, URLs with passwords). */
  secret?: boolean;
  /** Section of the table. */
  group: Group;
}

export const GROUPS = [
  'Database',
  'Ports and addresses',
  'Authentication',
  'Gateway limits',
  'Rate limits and partner API',
  'Observability and lifecycle',
  'Jobs and notifications',
  'Launcher and demo data',
  'Benchmark',
  'Tests',
] as const;
export type Group = (typeof GROUPS)[number];

/** A type of value: the zod schema that reads the (trimmed, non-empty) text, the table's type and the message's "allowed". */
interface Kind<T> {
  schema: z.ZodType<T, string>;
  type: string;
  allowed: string;
}

const range = (min?: number, max?: number) =>
  min !== undefined && max !== undefined ? `from ${min} to ${max}` : min !== undefined ? `of at least ${min}` : max !== undefined ? `up to ${max}` : '';
const dash = (min?: number, max?: number) =>
  min !== undefined && max !== undefined ? ` ${min}–${max}` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : '';

function bounded(schema: z.ZodNumber, min?: number, max?: number): z.ZodNumber {
  let s = schema;
  if (min !== undefined) s = s.min(min, `below ${min}`);
  if (max !== undefined) s = s.max(max, `above ${max}`);
  return s;
}

/** A whole number (`unit` names what it counts in the message: `a whole number of seconds from 0 to 60`). */
export function integer(min?: number, max?: number, unit?: string): Kind<number> {
  return {
    schema: z
      .string()
      .regex(/^-?\d+$/, 'not a whole number')
      .transform(Number)
      .pipe(bounded(z.number(), min, max)),
    type: `integer${dash(min, max)}`,
    allowed: `a whole number${unit ? ` of ${unit}` : ''} ${range(min, max)}`.trim(),
  };
}

/** A number, decimals allowed. */
export function decimal(min?: number, max?: number, unit?: string, above?: number): Kind<number> {
  let n = bounded(z.number(), min, max);
  if (above !== undefined) n = n.gt(above, `not above ${above}`);
  return {
    schema: z
      .string()
      .regex(/^-?\d+(\.\d+)?$/, 'not a number')
      .transform(Number)
      .pipe(n),
    type: above !== undefined ? `number > ${above}` : `number${dash(min, max)}`,
    allowed: above !== undefined ? `a number above ${above}${unit ? ` (${unit})` : ''}` : `a number${unit ? ` of ${unit}` : ''} ${range(min, max)}`.trim(),
  };
}

const PORT = integer(0, 65535);

function text(type = 'text', allowed = 'any text'): Kind<string> {
  return { schema: z.string(), type, allowed };
}

function url(protocols: readonly string[], example: string): Kind<string> {
  const pattern = new RegExp(`^(${protocols.join('|')}):\\/\\/[^/]`);
  return {
    schema: z
      .string()
      .regex(pattern, `not a ${protocols.join('/')} URL`)
      .refine((v) => URL.canParse(v), 'not a URL'),
    type: `${protocols.map((p) => `${p}://`).join(' or ')} URL`,
    allowed: `a URL such as ${example}`,
  };
}

function choice<const V extends string>(values: readonly V[]): Kind<V> {
  return {
    schema: z.enum(values as unknown as [V, ...V[]], `not one of ${values.join(', ')}`),
    type: values.map((v) => `\`${v}\``).join(' | '),
    allowed: `one of ${values.join(', ')}`,
  };
}

/** `on`/`off` (also `true`/`false`, any case). */
function onOff(): Kind<boolean> {
  return {
    schema: z
      .string()
      .transform((v) => v.toLowerCase())
      .pipe(z.enum(['on', 'off', 'true', 'false'], 'not on or off'))
      .transform((v) => v === 'on' || v === 'true'),
    type: '`on` | `off`',
    allowed: 'on or off (or true/false)',
  };
}

/** A comma-separated list of numbers above 0. */
function numberList(): Kind<number[]> {
  return {
    schema: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(
            z
              .string()
              .regex(/^\d+(\.\d+)?$/, 'an item is not a number')
              .transform(Number)
              .pipe(z.number().gt(0, 'an item is not above 0')),
          )
          .min(1, 'empty list'),
      ),
    type: 'list of numbers > 0',
    allowed: 'numbers above 0 separated by commas, e.g. 1,3,10',
  };
}

export interface BucketRate {
  /** Most tokens a bucket holds: the burst a caller may send at once. */
  capacity: number;
  /** Tokens added a second: the sustained rate. */
  perSecond: number;
}

/** `<capacity>:<refill per second>`, e.g. `60:1`. */
export const BUCKET_RATE_ALLOWED = 'write <capacity>:<refill per second>, e.g. 60:1 (capacity at least 1, refill above 0)';
function bucketRate(): Kind<BucketRate> {
  return {
    schema: z
      .string()
      .regex(/^(\d+)\s*:\s*(\d+(?:\.\d+)?)$/, 'not <capacity>:<refill per second>')
      .transform((v) => {
        const [capacity, perSecond] = v.split(':').map((s) => Number(s.trim()));
        return { capacity, perSecond };
      })
      .refine((r) => r.capacity >= 1, 'capacity below 1')
      .refine((r) => r.perSecond > 0, 'refill not above 0'),
    type: '`<capacity>:<per second>`',
    allowed: BUCKET_RATE_ALLOWED,
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Described = Omit<VariableMeta, 'type' | 'allowed' | 'default' | 'family' | 'members'> & { default?: string; allowed?: string };

/** The registry of every variable's description (zod's metadata registry). */
export const variableRegistry = z.registry<VariableMeta>();

/**
 * One variable: unset (or blank) gives `fallback` (undefined when none), anything else must be a `kind`.
 * The schema reads the raw text of the environment.
 */
function variable<T>(kind: Kind<T>, fallback: T, meta: Described): z.ZodType<T, string | undefined>;
function variable<T>(kind: Kind<T>, fallback: undefined, meta: Described): z.ZodType<T | undefined, string | undefined>;
function variable<T>(kind: Kind<T>, fallback: T | undefined, meta: Described): z.ZodType<T | undefined, string | undefined> {
  const schema = z
    .string()
    .optional()
    .transform((raw) => {
      const trimmed = raw?.trim();
      return trimmed ? trimmed : undefined;
    })
    .pipe(kind.schema.optional())
    .transform((value) => (value === undefined ? fallback : value));
  const defaultText =
    meta.default ??
    (fallback === undefined
      ? '—'
      : `\`${Array.isArray(fallback) ? fallback.join(',') : typeof fallback === 'boolean' ? (fallback ? 'on' : 'off') : String(fallback)}\``);
  schema.register(variableRegistry, { ...meta, type: kind.type, allowed: meta.allowed ?? kind.allowed, default: defaultText });
  return schema;
}

/** The same variable for several names, e.g. `<NAME>_PORT` for GATEWAY_PORT, DISTRICT_PORT…: one row in the table. */
function family<const N extends string, const S extends string, T>(
  family: string,
  names: readonly N[],
  suffix: S,
  make: () => z.ZodType<T, string | undefined>,
): Record<`${Uppercase<N>}${S}`, z.ZodType<T, string | undefined>> {
  const out = {} as Record<string, z.ZodType<T, string | undefined>>;
  const members = names.map((n) => `${n.toUpperCase()}${suffix}`);
  for (const key of members) {
    const schema = make();
    const meta = variableRegistry.get(schema)!;
    variableRegistry.remove(schema);
    schema.register(variableRegistry, { ...meta, family, members });
    out[key] = schema;
  }
  return out;
}

const SUBGRAPHS_AND_GATEWAY = ['gateway', ...SUBGRAPH_NAMES] as const;
const RUNNING: readonly Service[] = ['gateway', 'subgraphs'];

/** Every variable. Add one here (with its description) and run `pnpm config:docs`. */
const variables = {
  // Database
  DATABASE_URL: variable(url(['postgres', 'postgresql'], 'postgres://user:password@host:5432/cgp'), undefined, {
    group: 'Database',
    usedBy: ['subgraphs', 'launcher', 'demo loader', 'migrations'],
    secret: true,
    default: 'embedded server (launcher)',
    description:
      'PostgreSQL for all subgraphs (as its owner: the services connect as `cgp_app`). Without it the launcher starts an embedded server; a subgraph process needs it (or its own `<NAME>_DATABASE_URL`).',
  }),
  ...family('<NAME>_DATABASE_URL', SUBGRAPH_NAMES, '_DATABASE_URL', () =>
    variable(url(['postgres', 'postgresql'], 'postgres://user:password@host:5432/cgp'), undefined, {
      group: 'Database',
      usedBy: ['subgraphs', 'launcher', 'demo loader', 'migrations'],
      secret: true,
      description: "one subgraph's own server (e.g. `GRID_DATABASE_URL`), overriding `DATABASE_URL`",
    }),
  ),
  DATABASE_APP_PASSWORD: variable(text(), 'cgp_app', {
    group: 'Database',
    usedBy: ['subgraphs', 'launcher', 'tests', 'migrations'],
    secret: true,
    description:
      'password of the application role `cgp_app` the services connect as (row-level security applies to it; the migrations create it) ([Access](access.md))',
  }),
  DATABASE_POOL_SIZE: variable(integer(1, 200), 10, {
    group: 'Database',
    usedBy: ['subgraphs', 'launcher', 'demo loader', 'migrations'],
    description: "connections in each subgraph process's database pool",
  }),
  DATABASE_CONNECT_TIMEOUT_MS: variable(integer(0, undefined, 'milliseconds'), 5000, {
    group: 'Database',
    usedBy: ['subgraphs'],
    description:
      'how long a request waits for a pool connection before failing with `DATABASE_UNAVAILABLE` (`0` keeps the default) ([Operations](operations.md#database-time-limits-and-pool-health))',
  }),
  DATABASE_STATEMENT_TIMEOUT_MS: variable(integer(0, undefined, 'milliseconds'), 30_000, {
    group: 'Database',
    usedBy: ['subgraphs'],
    description: "PostgreSQL `statement_timeout` of the application role's (`cgp_app`) sessions; `0` turns it off",
  }),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: variable(integer(0, undefined, 'milliseconds'), 10_000, {
    group: 'Database',
    usedBy: ['subgraphs'],
    description: 'PostgreSQL `idle_in_transaction_session_timeout` of those sessions; `0` turns it off',
  }),
  STATISTICS_CACHE_SECONDS: variable(decimal(0, 3600, 'seconds'), 15, {
    group: 'Database',
    usedBy: ['subgraphs'],
    description:
      'how long a subgraph keeps computed dashboard figures (`0`: not at all); writes through the subgraph evict them sooner ([Dashboard figures cache](dashboard.md#dashboard-figures-cache))',
  }),

  RESPONSE_CACHE_SECONDS: variable(integer(0, 60, 'seconds'), 0, {
    group: 'Database',
    usedBy: ['gateway', 'subgraphs'],
    description:
      "how long the gateway keeps a query's whole answer for the same caller (`0`: not at all): a subgraph marks its part of an answer cacheable for this long only when it holds no personal field, masked or not, nor audit-log entry (the audit sees every unmasked read) and answered without error; any mutation through the gateway drops every kept answer ([Response cache](operations.md#response-cache))",
  }),

  // Ports and addresses
  PORT: variable(PORT, undefined, {
    group: 'Ports and addresses',
    usedBy: ['gateway', 'subgraphs', 'bench'],
    default: "the service's own (gateway 4000, district 4001 … pairing 4007)",
    description: 'the port a service listens on, unless `<NAME>_PORT` is set (the launcher sets it for each process)',
  }),
  ...family('<NAME>_PORT', SUBGRAPHS_AND_GATEWAY, '_PORT', () =>
    variable(PORT, undefined, {
      group: 'Ports and addresses',
      usedBy: ['gateway', 'subgraphs', 'launcher'],
      default: '`PORT_BASE` + 0…7',
      description: "one service's port (e.g. `GATEWAY_PORT`, `GRID_PORT`), over `PORT` and `PORT_BASE`",
    }),
  ),
  PORT_BASE: variable(integer(1, 65_000), 4000, {
    group: 'Ports and addresses',
    usedBy: ['launcher'],
    description: 'gateway port; the subgraphs take the next seven, their metrics each port + 100',
  }),
  HOST: variable(text('host or address', 'a host name or address'), undefined, {
    group: 'Ports and addresses',
    usedBy: ['gateway', 'subgraphs', 'launcher'],
    default: 'all interfaces',
    description: 'the interface the public port listens on',
  }),
  METRICS_PORT: variable(PORT, undefined, {
    group: 'Ports and addresses',
    usedBy: RUNNING,
    default: 'service port + 100',
    description: 'the operations port serving `/metrics` (never the public one); `0` with a service on port 0 takes any free one ([Operations](operations.md))',
  }),
  ...family('<NAME>_METRICS_PORT', SUBGRAPHS_AND_GATEWAY, '_METRICS_PORT', () =>
    variable(PORT, undefined, {
      group: 'Ports and addresses',
      usedBy: ['gateway', 'subgraphs', 'launcher'],
      default: 'service port + 100',
      description: "one service's operations port, over `METRICS_PORT`",
    }),
  ),
  METRICS_HOST: variable(text('host or address', 'a host name or address'), '127.0.0.1', {
    group: 'Ports and addresses',
    usedBy: RUNNING,
    default: '`127.0.0.1` (this machine only)',
    description: 'the interface the operations server listens on (`0.0.0.0` in Kubernetes so Prometheus reaches the pod)',
  }),
  ...family('<NAME>_URL', SUBGRAPH_NAMES, '_URL', () =>
    variable(url(['http', 'https'], 'http://grid:4004/graphql'), undefined, {
      group: 'Ports and addresses',
      usedBy: ['gateway', 'subgraphs', 'launcher'],
      default: "the supergraph's (gateway); set by the launcher",
      description: "where a subgraph is reached (e.g. `PARTY_URL`): by the gateway, and by the other subgraphs calling it on a caller's behalf",
    }),
  ),

  // Authentication
  AUTH_JWT_SECRET: variable(
    { ...text('secret, ≥ 32 characters'), schema: z.string().min(32, 'shorter than 32 characters'), allowed: 'at least 32 characters' },
    undefined,
    {
      group: 'Authentication',
      usedBy: ['gateway', 'subgraphs', 'launcher', 'token CLI'],
      secret: true,
      default: 'generated by the launcher',
      description:
        "HS256 secret of the platform's tokens (staff tokens, and partner tokens made from an API key); this or `AUTH_JWKS_URL` is required ([Access](access.md))",
    },
  ),
  AUTH_JWKS_URL: variable(url(['http', 'https'], 'https://sso.example.org/realms/cgp/protocol/openid-connect/certs'), undefined, {
    group: 'Authentication',
    usedBy: ['gateway', 'subgraphs', 'launcher'],
    description: "an OIDC provider's key set: staff tokens are then the provider's (needs `AUTH_ISSUER` and `AUTH_AUDIENCE`)",
  }),
  AUTH_ISSUER: variable(text(), undefined, {
    group: 'Authentication',
    usedBy: ['gateway', 'subgraphs', 'launcher'],
    description: "the `iss` the provider's tokens must carry",
  }),
  AUTH_AUDIENCE: variable(text(), undefined, {
    group: 'Authentication',
    usedBy: ['gateway', 'subgraphs', 'launcher'],
    description: "the `aud` the provider's tokens must carry",
  }),
  AUTH_MAX_TOKEN_LIFETIME_SECONDS: variable(integer(300, 7 * 24 * 3600, 'seconds'), 86_400, {
    group: 'Authentication',
    usedBy: ['gateway', 'subgraphs', 'token CLI'],
    description: 'longest a token may live (`exp − iat`) ([Security](security.md))',
  }),
  AUTH_CLOCK_SKEW_SECONDS: variable(integer(0, 300, 'seconds'), 60, {
    group: 'Authentication',
    usedBy: RUNNING,
    description: 'the clock skew allowed for `exp`, `nbf`, `iat`',
  }),
  AUTH_FAILURE_LIMIT: variable(integer(0, 100_000, 'failures'), 20, {
    group: 'Authentication',
    usedBy: RUNNING,
    description: 'failed sign-ins per client address before it gets 429 for the rest of the window (`0`: off)',
  }),
  AUTH_FAILURE_WINDOW_SECONDS: variable(integer(1, 86_400, 'seconds'), 60, {
    group: 'Authentication',
    usedBy: RUNNING,
    description: 'the window of `AUTH_FAILURE_LIMIT`',
  }),
  TRUST_PROXY_HOPS: variable(integer(0, 10, 'proxies'), 0, {
    group: 'Authentication',
    usedBy: RUNNING,
    description: 'proxies in front of a service whose `X-Forwarded-For` entry names the client (the ingress)',
  }),
  REDIS_URL: variable({ ...url(['redis', 'rediss'], 'redis://host:6379'), allowed: 'write redis://host:6379 (or rediss:// for TLS)' }, undefined, {
    group: 'Authentication',
    usedBy: RUNNING,
    default: 'in memory',
    description: 'shared store of the failed-sign-in counts, so several replicas agree',
  }),
  AUTH_APPOINTMENTS: variable(choice(['required', 'off']), 'required', {
    group: 'Authentication',
    usedBy: ['gateway', 'subgraphs'],
    description:
      '`required`: a staff token is served only while appointments current today back its unit and roles (asked of the district subgraph); `off`: any valid staff token is trusted as it is (development and tests only)',
  }),
  AUTH_APPOINTMENT_CHECK_CACHE_SECONDS: variable(
    { ...integer(0, 60, 'seconds'), allowed: 'a whole number of seconds from 0 to 60 (how long an ended appointment may still work)' },
    5,
    {
      group: 'Authentication',
      usedBy: ['gateway', 'subgraphs'],
      description: 'how long a service trusts its last appointment check of a staff token (an ended appointment stops working within it)',
    },
  ),
  AUTH_KEY_CHECK_CACHE_SECONDS: variable(
    { ...integer(0, 60, 'seconds'), allowed: 'a whole number of seconds from 0 to 60 (how long a revoked partner key may still work at a subgraph)' },
    5,
    {
      group: 'Authentication',
      usedBy: ['subgraphs'],
      description: "how long a subgraph trusts its last check of a partner token's API key (a revoked key stops working within it)",
    },
  ),
  AUTH_OIDC_ISSUER: variable(url(['http', 'https'], 'https://sso.example.org/realms/cgp'), undefined, {
    group: 'Authentication',
    usedBy: ['gateway', 'subgraphs', 'launcher'],
    default: "— (`start`: the development provider's)",
    description:
      'issuer URL of the OpenID Connect provider whose access tokens the services accept (keys through its discovery document; needs `AUTH_AUDIENCE`) ([Access](access.md#signing-in-through-keycloak-or-another-openid-connect-provider))',
  }),
  AUTH_LOCAL_STAFF_TOKENS: variable(onOff(), false, {
    group: 'Authentication',
    usedBy: ['gateway', 'subgraphs', 'launcher'],
    default: 'off (`start` with the development provider: on)',
    description: '`on`: beside a provider, HS256 staff tokens of `AUTH_JWT_SECRET` are accepted too (development only: refused with `NODE_ENV=production`)',
  }),
  DASHBOARD_OIDC_CLIENT_ID: variable(text(), undefined, {
    group: 'Authentication',
    usedBy: ['gateway', 'launcher'],
    default: '— (`start`: `cgp-dashboard`)',
    description: "the dashboard's client id at the provider: turns the dashboard's sign-in through the provider on",
  }),
  DASHBOARD_OIDC_ISSUER: variable(url(['http', 'https'], 'https://sso.example.org/realms/cgp'), undefined, {
    group: 'Authentication',
    usedBy: ['gateway', 'launcher'],
    default: '`AUTH_OIDC_ISSUER`',
    description: 'the provider the dashboard signs in with',
  }),
  DASHBOARD_OIDC_SCOPE: variable(text(), 'openid profile', { group: 'Authentication', usedBy: ['gateway'], description: 'the scopes the dashboard asks for' }),
  DEV_IDP: variable(choice(['on', 'off']), undefined, {
    group: 'Authentication',
    usedBy: ['launcher'],
    default: 'on, except in production',
    description: '`off`: `start` runs no development identity provider; `on` in production stops the start',
  }),
  DEV_IDP_PORT: variable(PORT, undefined, {
    group: 'Authentication',
    usedBy: ['launcher'],
    default: '`PORT_BASE` + 8 (4008)',
    description: "the development identity provider's port",
  }),
  DEV_IDP_HOST: variable(text('host or address', 'a host name or address'), '127.0.0.1', {
    group: 'Authentication',
    usedBy: ['launcher'],
    default: '`127.0.0.1` (this machine only: it has no passwords)',
    description: 'the interface the development identity provider listens on',
  }),
  DEV_IDP_ISSUER: variable(url(['http', 'https'], 'http://127.0.0.1:4008'), undefined, {
    group: 'Authentication',
    usedBy: ['launcher'],
    default: '`http://127.0.0.1:<port>`',
    description: 'the issuer URL the development identity provider names itself by (what browsers and services reach)',
  }),
  DEV_IDP_ACCESS_TOKEN_SECONDS: variable(integer(30, 86_400, 'seconds'), 3600, {
    group: 'Authentication',
    usedBy: ['launcher'],
    description: "lifetime of the development identity provider's access tokens (the dashboard renews them)",
  }),
  DEV_IDP_REDIRECT_URIS: variable(text('comma-separated URLs'), 'http://localhost:4000/dashboard/', {
    group: 'Authentication',
    usedBy: ['tests'],
    description: 'the dashboard addresses the development identity provider run on its own (`dev-identity-provider-main.js`) may send people back to',
  }),
  CGP_PRODUCTION: variable(choice(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']), undefined, {
    group: 'Authentication',
    usedBy: ['launcher', 'gateway', 'subgraphs'],
    default: '—',
    description: '`true`: this is production even without `NODE_ENV=production` (the development identity provider never runs)',
  }),

  // Gateway limits
  GATEWAY_MAX_DEPTH: variable(integer(1), 20, {
    group: 'Gateway limits',
    usedBy: RUNNING,
    description: 'depth of nested selections ([Gateway limits](contract.md#gateway-limits); the subgraphs apply the same limits)',
  }),
  GATEWAY_MAX_ALIASES: variable(integer(0), 30, { group: 'Gateway limits', usedBy: RUNNING, description: 'aliases in one operation' }),
  GATEWAY_MAX_DIRECTIVES: variable(integer(0), 20, { group: 'Gateway limits', usedBy: RUNNING, description: 'directives in one operation' }),
  GATEWAY_MAX_TOKENS: variable(integer(1), 4000, { group: 'Gateway limits', usedBy: RUNNING, description: 'lexical tokens in one operation' }),
  GATEWAY_MAX_CHARACTERS: variable(integer(1), 20_000, { group: 'Gateway limits', usedBy: RUNNING, description: 'characters of one operation' }),
  GATEWAY_MAX_COST: variable(integer(1), 200_000, {
    group: 'Gateway limits',
    usedBy: RUNNING,
    description: 'query cost (every field 1, lists multiply what is below them by their page size)',
  }),
  GATEWAY_MAX_BATCH: variable(integer(1), 10, { group: 'Gateway limits', usedBy: RUNNING, description: 'operations in one batched HTTP request' }),
  GATEWAY_INTROSPECTION: variable(choice(['true', 'false']), undefined, {
    group: 'Gateway limits',
    usedBy: RUNNING,
    default: 'on unless `NODE_ENV=production`',
    description: 'introspection and "did you mean" suggestions',
  }),
  GATEWAY_SUBGRAPH_TIMEOUT_MS: variable(integer(1, undefined, 'milliseconds'), 10_000, {
    group: 'Gateway limits',
    usedBy: ['gateway'],
    description:
      'how long the gateway waits for a subgraph; the subgraph is told to stop (and roll back) by then ([Operations](operations.md#deadlines-from-the-gateway-to-the-subgraphs))',
  }),
  GATEWAY_SUBGRAPH_CONNECTIONS: variable(integer(1), 64, { group: 'Gateway limits', usedBy: ['gateway'], description: 'keep-alive sockets per subgraph' }),
  GATEWAY_QUERY_PLAN_CACHE_MIB: variable(decimal(1, 1024, 'MiB'), 8, {
    group: 'Gateway limits',
    usedBy: ['gateway'],
    description: 'approximate size of the query-plan cache',
  }),

  // Rate limits and partner API
  GATEWAY_RATE_LIMIT: variable(onOff(), true, {
    group: 'Rate limits and partner API',
    usedBy: ['gateway'],
    description: '`off` turns per-caller rate limits off',
  }),
  GATEWAY_RATE_LIMIT_PARTNER: variable(
    bucketRate(),
    { capacity: 60, perSecond: 1 },
    {
      group: 'Rate limits and partner API',
      usedBy: ['gateway'],
      default: '`60:1`',
      description: 'token bucket per partner organisation: `<capacity>:<refill per second>`',
    },
  ),
  GATEWAY_RATE_LIMIT_STAFF: variable(
    bucketRate(),
    { capacity: 300, perSecond: 30 },
    { group: 'Rate limits and partner API', usedBy: ['gateway'], default: '`300:30`', description: 'token bucket per staff token subject' },
  ),
  ...family(
    'GATEWAY_RATE_LIMIT_<TIER>',
    STAFF_TIERS.map((t) => `GATEWAY_RATE_LIMIT_${t}` as const),
    '',
    () =>
      variable(bucketRate(), undefined, {
        group: 'Rate limits and partner API',
        usedBy: ['gateway'],
        default: '`GATEWAY_RATE_LIMIT_STAFF`',
        description: "one tier's staff bucket (DISTRICT, STREET, COMMUNITY, GRID, BUILDING)",
      }),
  ),
  GATEWAY_PARTNER_SAFELIST: variable(onOff(), true, {
    group: 'Rate limits and partner API',
    usedBy: ['gateway'],
    description: '`off` lets partners send ad-hoc operations (never in production)',
  }),
  PARTNER_TOKEN_TTL: variable(integer(30, 3600, 'seconds'), 900, {
    group: 'Rate limits and partner API',
    usedBy: ['gateway'],
    description: 'lifetime of a partner token exchanged for an API key',
  }),
  OPEN311_API_KEYS: variable(
    {
      schema: z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9-]{0,39}@\d{6}=[0-9a-f]{64}(,[a-z0-9][a-z0-9-]{0,39}@\d{6}=[0-9a-f]{64})*$/,
          'entries <name>@<district code>=<sha256 hex>, separated by commas',
        ),
      type: 'list of Open311 clients',
      allowed: '`<name>@<district code>=<sha256 of the key, hex>` entries separated by commas, e.g. `city-app@411602=9f86d0…`',
    },
    undefined,
    {
      group: 'Rate limits and partner API',
      usedBy: ['gateway'],
      description:
        'the Open311 (GeoReport v2) clients allowed at `/open311/v2/`: each key (sent as `api_key`) files and reads cases as that district’s HOTLINE service caller; only its SHA-256 is configured. Unset: Open311 answers 403 to every key',
    },
  ),

  // Observability and lifecycle
  NODE_ENV: variable(choice(['development', 'production', 'test']), 'development', {
    group: 'Observability and lifecycle',
    usedBy: ['gateway', 'subgraphs', 'launcher', 'migrations'],
    description: '`production` turns introspection off; `test` silences logs (libraries read it too)',
  }),
  LOG_LEVEL: variable(choice(LOG_LEVELS), undefined, {
    group: 'Observability and lifecycle',
    usedBy: ['gateway', 'subgraphs', 'launcher', 'migrations'],
    default: '`info` (`silent` when `NODE_ENV=test`)',
    description: 'pino level; `debug` or `trace` also shows start-up failures in full',
  }),
  DEBUG: variable(text('any', 'any text'), undefined, {
    group: 'Observability and lifecycle',
    usedBy: ['gateway', 'subgraphs', 'launcher', 'migrations'],
    description: "set (not `0`): start-up failures show their details, the launcher shows the embedded PostgreSQL's log",
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: variable(url(['http', 'https'], 'http://otel-collector:4318'), undefined, {
    group: 'Observability and lifecycle',
    usedBy: RUNNING,
    default: 'tracing off',
    description: 'OTLP/HTTP collector: spans go to `<endpoint>/v1/traces` ([Operations](operations.md))',
  }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: variable(url(['http', 'https'], 'http://otel-collector:4318/v1/traces'), undefined, {
    group: 'Observability and lifecycle',
    usedBy: RUNNING,
    description: 'the full traces URL, over `OTEL_EXPORTER_OTLP_ENDPOINT`',
  }),
  OTEL_SDK_DISABLED: variable(choice(['true', 'false']), 'false', {
    group: 'Observability and lifecycle',
    usedBy: RUNNING,
    description: '`true` turns tracing off whatever the endpoint',
  }),
  SHUTDOWN_GRACE_MS: variable(integer(0, undefined, 'milliseconds'), 25_000, {
    group: 'Observability and lifecycle',
    usedBy: RUNNING,
    description: 'how long a stopping service lets requests in flight finish before cutting them',
  }),
  IDEMPOTENCY_KEY_TTL_HOURS: variable(decimal(undefined, undefined, 'hours', 0), 24, {
    group: 'Observability and lifecycle',
    usedBy: ['subgraphs'],
    description: 'how long an `Idempotency-Key` and its answer are remembered',
  }),
  JOBS_POLL_SECONDS: variable(decimal(0.5, 600, 'seconds'), 2, {
    group: 'Jobs and notifications',
    usedBy: ['subgraphs'],
    description: 'how often a subgraph’s job workers look for jobs that are due (pg-boss polling; tests use 0.5 to see jobs run within a second)',
  }),
  CASE_DEADLINE_SWEEP_SECONDS: variable(decimal(0.5, 3600, 'seconds'), 60, {
    group: 'Jobs and notifications',
    usedBy: ['subgraphs'],
    description: 'how often the grid subgraph’s deadline job looks for cases to remind, report overdue or move up (a job in the queue, renewed after each run)',
  }),
  CASE_REMINDER_HOURS_BEFORE_DEADLINE: variable(decimal(undefined, undefined, 'hours', 0), 12, {
    group: 'Jobs and notifications',
    usedBy: ['subgraphs'],
    description: 'how long before a case’s deadline its handler (or the grid manager) gets a reminder in the app',
  }),
  CASE_ESCALATION_HOURS_AFTER_DEADLINE: variable(decimal(undefined, undefined, 'hours', 0), 24, {
    group: 'Jobs and notifications',
    usedBy: ['subgraphs'],
    description: 'how long after its deadline an open case in a grid’s queue moves to the community’s queue (at the deadline the grid supervisor is told)',
  }),
  INTERNAL_ROUTES_SECRET: variable(
    { ...text('secret, ≥ 32 characters'), schema: z.string().min(32, 'shorter than 32 characters'), allowed: 'at least 32 characters' },
    undefined,
    {
      group: 'Jobs and notifications',
      usedBy: ['subgraphs'],
      secret: true,
      default: '`AUTH_JWT_SECRET`',
      description:
        'key of the HMAC with which a subgraph’s background workers sign their calls to another subgraph’s internal routes (the community relay asking pairing for partners’ webhook endpoints); every subgraph needs the same',
    },
  ),
  WEBHOOK_ALLOW_PRIVATE_URLS: variable(choice(['on', 'off']), 'off', {
    group: 'Jobs and notifications',
    usedBy: ['subgraphs'],
    description:
      '`on`: partners may register webhook URLs on http and on loopback or private addresses (development and tests, whose receivers run locally); `off`: https to public hosts only',
  }),
  WEBHOOK_RETRY_LIMIT: variable(integer(0, 50), 8, {
    group: 'Jobs and notifications',
    usedBy: ['subgraphs'],
    description: 'how many times a failed webhook delivery is tried again before it is dead-lettered',
  }),
  WEBHOOK_RETRY_DELAY_SECONDS: variable(integer(1, 86_400, 'seconds'), 30, {
    group: 'Jobs and notifications',
    usedBy: ['subgraphs'],
    description: 'the wait before the first retry of a webhook delivery; each later retry waits about twice as long (with jitter)',
  }),
  WEBHOOK_TIMEOUT_MS: variable(integer(100, 60_000, 'milliseconds'), 5000, {
    group: 'Jobs and notifications',
    usedBy: ['subgraphs'],
    description: 'how long a webhook receiver may take to answer before the delivery counts as failed',
  }),
  CGP_INSTANCE_ID: variable(text(), undefined, {
    group: 'Observability and lifecycle',
    usedBy: RUNNING,
    default: 'set by the launcher',
    description: "this start's id, carried by `/health` so the launcher never takes another platform on the same ports for its own",
  }),

  // Launcher and demo data
  TOPOLOGY: variable(choice(TOPOLOGIES), 'single', {
    group: 'Launcher and demo data',
    usedBy: ['launcher'],
    description:
      "how `start` runs the platform: `single`, the seven subgraphs and the gateway in one Node process (the gateway calls each subgraph in-process, with the caller it verified; each keeps its schema, database schema, pool, authorization and its own port); `separate`, one process each, as in Kubernetes (which runs each service's own `main.js`) ([Topologies](operations.md#topologies-one-process-or-eight))",
  }),
  EMBEDDED_PG_DIR: variable(text('path', 'a directory path'), undefined, {
    group: 'Launcher and demo data',
    usedBy: ['launcher'],
    default: '`.data/postgres`',
    description: 'where the embedded PostgreSQL keeps its data',
  }),
  EMBEDDED_PG_PORT: variable(integer(1, 65535), 54329, {
    group: 'Launcher and demo data',
    usedBy: ['launcher'],
    description: "the embedded PostgreSQL's port",
  }),
  DEMO_DATA: variable(onOff(), true, { group: 'Launcher and demo data', usedBy: ['launcher'], description: '`off` to load no demo data' }),
  DEMO_SCALE: variable(decimal(undefined, undefined, '1 = Chuanhui', 0), 1, {
    group: 'Launcher and demo data',
    usedBy: ['launcher'],
    description: 'demo size: 1 = Chuanhui, 10 ≈ a city of ten districts, 0.1 = a small district',
  }),
  DEMO_CASES_PER_GRID_YEAR: variable(integer(1, undefined, 'cases'), undefined, {
    group: 'Launcher and demo data',
    usedBy: ['launcher', 'bench'],
    default: '`40` (bench: `247`)',
    description:
      'grid cases per grid per year, a factor separate from `DEMO_SCALE` (the city target of 2,000,000 cases over five years is 247 × 5 at scale 10)',
  }),
  DEMO_CASE_YEARS: variable(integer(1, undefined, 'years'), undefined, {
    group: 'Launcher and demo data',
    usedBy: ['launcher', 'bench'],
    default: '`1` (bench: `5`)',
    description: 'years of grid-case history',
  }),
  DEMO_LOAD_CONCURRENCY: variable(integer(1, 16), 2, {
    group: 'Launcher and demo data',
    usedBy: ['launcher', 'bench', 'demo loader'],
    description: 'subgraphs loading demo data at once',
  }),

  // Benchmark
  BENCH_SMOKE: variable(choice(['0', '1']), '0', {
    group: 'Benchmark',
    usedBy: ['bench'],
    description: '`1`: a tenth of a district, 1 s per operation, results in the temp directory ([Benchmark](benchmark.md))',
  }),
  BENCH_SCALE: variable(decimal(undefined, undefined, 'demo scale', 0), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    default: '`10` (smoke `0.1`)',
    description: 'demo scale of the main run',
  }),
  BENCH_GROWTH_SCALES: variable(numberList(), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    default: '`1,3,10` (smoke: none)',
    description: 'scales of the cost-growth run of the district dashboard',
  }),
  BENCH_DURATION: variable(decimal(undefined, undefined, 'seconds', 0), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    default: '`20` (smoke `1`)',
    description: 'seconds of load per operation',
  }),
  BENCH_CONNECTIONS: variable(integer(1, 1000), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    default: '`10` (smoke `2`)',
    description: 'concurrent connections',
  }),
  BENCH_POOL: variable(integer(0), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    default: '`1500` (smoke `20`)',
    description: 'cases and wishes created for the mutation mix to dispatch and claim',
  }),
  BENCH_SOAK_MINUTES: variable(decimal(0, undefined, 'minutes'), 0, {
    group: 'Benchmark',
    usedBy: ['bench'],
    description: 'minutes of the memory soak under the mix through the single process (TOPOLOGY=single; RSS sampled every 30 s)',
  }),
  BENCH_COUNT_REQUESTS: variable(integer(1), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    default: '`10` (smoke `2`)',
    description: 'sequential requests per operation for counting SQL statements',
  }),
  BENCH_PG_PORT: variable(integer(1, 65535), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    default: '`54339` (run), `54340` (load only), `54341` (import)',
    description: "port of the benchmark's embedded PostgreSQL",
  }),
  BENCH_DATABASE_URL: variable(url(['postgres', 'postgresql'], 'postgres://user:password@host:5432/bench'), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    secret: true,
    default: 'embedded server',
    description: 'an existing server instead of the embedded one (SQL counts need `pg_stat_statements`)',
  }),
  BENCH_DATA_ROOT: variable(text('path', 'a directory path'), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    default: 'the repository root',
    description: 'parent of the `.data/bench-…` data directories',
  }),
  BENCH_RESULTS: variable(text('path', 'a file path'), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    default: '`bench/RESULTS.md`',
    description: 'where the results go',
  }),
  BENCH_JSON: variable(text('path', 'a file path'), undefined, { group: 'Benchmark', usedBy: ['bench'], description: 'also write the results as JSON there' }),
  BENCH_LOG_LEVEL: variable(choice(LOG_LEVELS), 'warn', { group: 'Benchmark', usedBy: ['bench'], description: '`LOG_LEVEL` of the measured processes' }),
  BENCH_RATE_LIMIT: variable(onOff(), false, { group: 'Benchmark', usedBy: ['bench'], description: '`GATEWAY_RATE_LIMIT` of the measured gateway' }),
  BENCH_PARTNER_SAFELIST: variable(onOff(), false, {
    group: 'Benchmark',
    usedBy: ['bench'],
    description: '`GATEWAY_PARTNER_SAFELIST` of the measured gateway',
  }),
  BENCH_PROFILE: variable(text('list of process names', 'process names separated by commas, e.g. gateway,grid'), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    description: 'processes (e.g. `gateway,grid`) writing a V8 CPU profile on exit',
  }),
  BENCH_PROFILE_DIR: variable(text('path', 'a directory path'), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    default: '`<tmp>/cgp-bench-profiles`',
    description: 'where those profiles go',
  }),
  BENCH_IMPORT_SCALE: variable(decimal(undefined, undefined, 'demo scale', 0), 0.1, {
    group: 'Benchmark',
    usedBy: ['bench'],
    description: 'demo scale of the residents-import benchmark ([Residents import](residents-import.md))',
  }),
  BENCH_IMPORT_LIMIT_SECONDS: variable(decimal(undefined, undefined, 'seconds', 0), 30, {
    group: 'Benchmark',
    usedBy: ['bench'],
    description: 'longest an import of the largest file may take',
  }),
  BENCH_IMPORT_ROWS: variable(numberList(), [1000, 10_000, 30_000], { group: 'Benchmark', usedBy: ['bench'], description: 'file sizes (rows) imported' }),
  BENCH_IMPORT_RESULTS: variable(text('path', 'a file path'), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    default: '`bench/IMPORT.md`',
    description: 'where the import results go',
  }),
  HIVE_SUPERGRAPH: variable(text('path', 'a file path'), undefined, {
    group: 'Benchmark',
    usedBy: ['bench'],
    default: 'set by the benchmark',
    description: 'the supergraph the comparison Hive gateway serves',
  }),

  // Tests
  CGP_TEST_PG_ADMIN_URL: variable(url(['postgres', 'postgresql'], 'postgres://postgres:postgres@127.0.0.1:5432/postgres'), undefined, {
    group: 'Tests',
    usedBy: ['tests'],
    secret: true,
    default: "set by jest's global setup",
    description: 'the test PostgreSQL cluster, where each test file creates its database',
  }),
  CGP_TEST_RUN_ID: variable(text('hex id'), undefined, {
    group: 'Tests',
    usedBy: ['tests'],
    default: "set by jest's global setup",
    description: "this test run's id: the template databases it builds carry it, and its teardown drops them",
  }),
};

/** The whole configuration as one zod object: parsing an environment gives every value, typed, or every problem. */
export const configSchema = z.object(variables);
export type Config = z.output<typeof configSchema>;
export type VariableName = keyof typeof variables;

export const VARIABLE_NAMES = Object.keys(variables) as VariableName[];

export function variableMeta(name: VariableName): VariableMeta {
  return variableRegistry.get(variables[name])!;
}

function usedByService(meta: VariableMeta, service: ServiceId): boolean {
  return (meta.usedBy as readonly string[]).includes(service) || ((SUBGRAPH_NAMES as readonly string[]).includes(service) && meta.usedBy.includes('subgraphs'));
}

function serviceLabel(service: ServiceId): string {
  return (SUBGRAPH_NAMES as readonly string[]).includes(service)
    ? `the ${service} subgraph`
    : service === 'token CLI'
      ? 'the token CLI'
      : service === 'tests'
        ? 'the tests'
        : `the ${service}`;
}

/** A configuration that cannot run: every problem, one a line. */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    service?: ServiceId,
  ) {
    super(
      problems.length === 1 && !service
        ? problems[0]
        : `${problems.length} configuration problem${problems.length === 1 ? '' : 's'}${service ? ` for ${serviceLabel(service)}` : ''}:\n${problems.map((p) => `  - ${p}`).join('\n')}\nEvery variable, its type and default: docs/configuration.md`,
    );
    this.name = 'ConfigError';
  }
}

/** The line for one bad value: the variable, the value (unless secret), what is allowed and what was wrong. */
function problemLine(name: string, raw: string | undefined, reason: string): string {
  const meta = variableRegistry.get(variables[name as VariableName]);
  const shown = meta?.secret ? '(value hidden)' : `"${raw}"`;
  const allowed = meta?.allowed ?? 'see docs/configuration.md';
  // "not one of a, b" (or "not on or off") says nothing "one of a, b" has not said.
  const said = /^not (one of |on or off$)/.test(reason);
  return `Invalid ${name}${meta?.secret ? ` ${shown}` : `=${shown}`}: ${allowed}${said ? '' : ` (${reason})`}`;
}

function parseOne<K extends VariableName>(name: K, env: Env): { value: Config[K] } | { problem: string } {
  const raw = env[name];
  const parsed = variables[name].safeParse(raw);
  if (parsed.success) return { value: parsed.data as Config[K] };
  return { problem: problemLine(name, raw, parsed.error.issues[0]?.message ?? 'invalid') };
}

/**
 * One variable's value from `env` (default: this process's environment), typed and checked; a bad value
 * throws a ConfigError naming it. Processes check all their variables at start (startupConfig), so in a
 * running service this never throws.
 */
export function setting<K extends VariableName>(name: K, env: Env = process.env): Config[K] {
  const result = parseOne(name, env);
  if ('problem' in result) throw new ConfigError([result.problem]);
  return result.value;
}

/**
 * The processes the launcher and the benchmark start pass their environment on: they check those
 * processes' variables too, so a bad one stops the start at once instead of in seven children.
 */
const STARTS: Partial<Record<Service, readonly Service[]>> = {
  launcher: ['gateway', 'subgraphs', 'migrations', 'demo loader'],
  bench: ['gateway', 'subgraphs', 'migrations', 'demo loader'],
};

/** Checks across variables, for the services they concern. */
const crossChecks: {
  usedBy: readonly Service[];
  inputs: readonly VariableName[];
  check: (config: Partial<Config>, service: ServiceId) => string | undefined;
}[] = [
  {
    usedBy: RUNNING,
    inputs: ['AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'AUTH_OIDC_ISSUER'],
    check: (c) =>
      !c.AUTH_JWT_SECRET && !c.AUTH_JWKS_URL && !c.AUTH_OIDC_ISSUER
        ? 'No way to verify tokens: set AUTH_JWT_SECRET (HS256, local), AUTH_OIDC_ISSUER or AUTH_JWKS_URL (an OIDC provider)'
        : undefined,
  },
  {
    usedBy: ['gateway', 'subgraphs', 'launcher'],
    inputs: ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'],
    check: (c) => (c.AUTH_JWKS_URL && (!c.AUTH_ISSUER || !c.AUTH_AUDIENCE) ? 'AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE' : undefined),
  },
  {
    usedBy: ['token CLI'],
    inputs: ['AUTH_JWT_SECRET'],
    check: (c) => (!c.AUTH_JWT_SECRET ? 'Set AUTH_JWT_SECRET to the secret the platform runs with (`pnpm start` prints it).' : undefined),
  },
  {
    usedBy: ['subgraphs'],
    inputs: ['DATABASE_URL', ...SUBGRAPH_NAMES.map((n) => `${n.toUpperCase()}_DATABASE_URL` as VariableName)],
    check: (c, service) => {
      const own = `${service.toUpperCase()}_DATABASE_URL` as VariableName;
      return (SUBGRAPH_NAMES as readonly string[]).includes(service) && !c.DATABASE_URL && !c[own]
        ? `No database configured for the ${service} subgraph: set DATABASE_URL (or ${service.toUpperCase()}_DATABASE_URL)`
        : undefined;
    },
  },
];

/**
 * Every problem with the variables `service` uses (and those of the processes it starts; all variables
 * when no service is named), and the checks across them; an empty list when it can run.
 */
export function configProblems(env: Env = process.env, service?: ServiceId): string[] {
  const problems: string[] = [];
  const values: Partial<Record<VariableName, unknown>> = {};
  const started = service ? (STARTS[service as Service] ?? []) : [];
  for (const name of VARIABLE_NAMES) {
    const meta = variableMeta(name);
    if (service && !usedByService(meta, service) && !started.some((s) => usedByService(meta, s))) continue;
    const result = parseOne(name, env);
    if ('problem' in result) problems.push(result.problem);
    else values[name] = result.value;
  }
  if (service) {
    for (const crossCheck of crossChecks) {
      const { usedBy, inputs } = crossCheck;
      // A check across variables one of which is bad already has its line.
      if (inputs.some((name) => usedByService(variableMeta(name), service) && !(name in values))) continue;
      if (!usedBy.some((s) => s === service || (s === 'subgraphs' && (SUBGRAPH_NAMES as readonly string[]).includes(service)))) continue;
      const problem = crossCheck.check(values as Partial<Config>, service);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

/** The configuration of `service` (every variable, typed), or a ConfigError listing every problem. */
export function readConfig(service?: ServiceId, env: Env = process.env): Config {
  const problems = configProblems(env, service);
  if (problems.length) throw new ConfigError(problems, service);
  const config = {} as Record<string, unknown>;
  for (const name of VARIABLE_NAMES) {
    const result = parseOne(name, env);
    // A variable the service does not use may be unset or even bad: it reads as unset.
    config[name] = 'value' in result ? result.value : variables[name].safeParse(undefined).data;
  }
  return config as Config;
}

/**
 * What every process does first: check its configuration and, if anything is wrong, print every
 * problem (no stack trace) and exit with `exitCode` (1; the token CLI's usage errors are 2).
 */
export function startupConfig(service: ServiceId, env: Env = process.env, exitCode = 1): Config {
  try {
    return readConfig(service, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(exitCode);
  }
}

/**
 * This process's environment with some variables set (an override of `undefined` removes one): what a
 * child process is given, or what an in-process call reads (e.g. the migrations with another DATABASE_URL).
 * Every variable passes on, the ones this file does not know too (PATH, HOME…).
 */
export function environmentWith(overrides: Env = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...overrides };
  for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete env[name];
  return env;
}
