import { parseArgs } from 'node:util';
import { decodeJwt } from 'jose';
import { claimsSchema } from './identity';
import { signToken } from './token';
import { startupConfig } from '../config';
import { CODE_LENGTH, TIERS } from '../tier';

/**
 * A demo person's claims from their sub, `demo-<unit code>-<role>` (the demo data appoints one person per
 * role at every unit, e.g. demo-411602001-staff, demo-411602001001001-grid-manager): tier, unit and role.
 */
function demoPersonClaims(sub: string): { tier: string; unit: string; roles: string[] } | undefined {
  const match = /^demo-(\d{6}(?:\d{3}){0,4})-([a-z-]+)$/.exec(sub);
  if (!match) return undefined;
  const tier = TIERS.find((t) => CODE_LENGTH[t] === match[1].length);
  return tier && { tier, unit: match[1], roles: [match[2].toUpperCase().replace(/-/g, '_')] };
}

/**
 * Without --sub: the demo person who holds the one role at the unit (`demo-<unit>-<role>`, appointed by
 * the demo data, so the token is served where appointments are required), else a made-up name.
 */
function defaultSub(tier: string | undefined, unit: string | undefined, org: string | undefined, roles: string | undefined): string {
  const list = (roles ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (unit && list.length === 1) return `demo-${unit}-${list[0].toLowerCase().replace(/_/g, '-')}`;
  return `${(tier ?? 'user').toLowerCase()}-${unit ?? org ?? 'demo'}`;
}

/**
 * `pnpm token --tier STREET --unit 411602001 --roles STAFF` prints a signed token for AUTH_JWT_SECRET;
 * `pnpm token --person demo-411602001-staff` one for an appointed demo person (their tier, unit and role).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tier: { type: 'string' },
      unit: { type: 'string' },
      roles: { type: 'string', default: 'STAFF' },
      org: { type: 'string' },
      communities: { type: 'string' },
      household: { type: 'string' },
      sub: { type: 'string' },
      person: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  // AUTH_JWT_SECRET and AUTH_MAX_TOKEN_LIFETIME_SECONDS checked, every problem listed, before anything else.
  const config = startupConfig('token CLI', undefined, 2);
  const secret = config.AUTH_JWT_SECRET as string;
  const person = values.person ? demoPersonClaims(values.person) : undefined;
  if (values.person && !person) {
    process.stderr.write(
      `Cannot make that token: --person ${values.person} is not a demo person (write demo-<unit code>-<role>, e.g. demo-411602001-staff or demo-411602001001001-grid-manager)\n`,
    );
    process.exit(2);
  }
  const claims = {
    sub: values.person ?? values.sub ?? defaultSub(values.tier, values.unit, values.org, values.roles),
    tier: person?.tier ?? values.tier,
    unit: person?.unit ?? values.unit,
    // Residents and the hotline carry no roles (`--tier RESIDENT --unit <community> --household <id>`, `--tier HOTLINE --unit <district>`).
    roles:
      person?.roles ??
      (values.roles && values.tier !== 'RESIDENT' && values.tier !== 'HOTLINE'
        ? values.roles
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean)
        : []),
    org: values.org,
    communities: values.communities ? values.communities.split(',').map((c) => c.trim()) : undefined,
    household: values.household,
  };
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) {
    process.stderr.write(`Cannot make that token: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'claims'}: ${i.message}`).join('; ')}\n`);
    process.exit(2);
  }
  const maxLifetime = config.AUTH_MAX_TOKEN_LIFETIME_SECONDS;
  let token: string;
  try {
    token = await signToken(claims as never, secret, values.expires);
  } catch {
    process.stderr.write(`Cannot make that token: --expires ${values.expires} is not a duration (write e.g. 30m, 8h)\n`);
    process.exit(2);
  }
  // The services refuse a token that lives longer than AUTH_MAX_TOKEN_LIFETIME_SECONDS: say so now, not at the first request.
  const { exp = 0, iat = 0 } = decodeJwt(token);
  if (exp - iat > maxLifetime) {
    process.stderr.write(
      `Cannot make that token: --expires ${values.expires} is longer than the ${maxLifetime / 3600} h the platform accepts (AUTH_MAX_TOKEN_LIFETIME_SECONDS=${maxLifetime}).\n`,
    );
    process.exit(2);
  }
  if (exp <= iat) {
    process.stderr.write(`Cannot make that token: --expires ${values.expires} must be a duration in the future (e.g. 30m, 8h)\n`);
    process.exit(2);
  }
  process.stdout.write(`${token}\n`);
}

void main();
