import { parseArgs } from 'node:util';
import { decodeJwt } from 'jose';
import { claimsSchema } from './identity';
import { signToken } from './token';
import { startupConfig } from '../config';

/** `pnpm token --tier STREET --unit 411602001 --roles STAFF` prints a signed token for AUTH_JWT_SECRET. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tier: { type: 'string' },
      unit: { type: 'string' },
      roles: { type: 'string', default: 'STAFF' },
      org: { type: 'string' },
      communities: { type: 'string' },
      sub: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  // AUTH_JWT_SECRET and AUTH_MAX_TOKEN_LIFETIME_SECONDS checked, every problem listed, before anything else.
  const config = startupConfig('token CLI', undefined, 2);
  const secret = config.AUTH_JWT_SECRET as string;
  const claims = {
    sub: values.sub ?? `${(values.tier ?? 'user').toLowerCase()}-${values.unit ?? values.org ?? 'demo'}`,
    tier: values.tier,
    unit: values.unit,
    roles: values.roles ? values.roles.split(',').map((r) => r.trim()).filter(Boolean) : [],
    org: values.org,
    communities: values.communities ? values.communities.split(',').map((c) => c.trim()) : undefined,
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
    process.stderr.write(`Cannot make that token: --expires ${values.expires} is longer than the ${maxLifetime / 3600} h the platform accepts (AUTH_MAX_TOKEN_LIFETIME_SECONDS=${maxLifetime}).\n`);
    process.exit(2);
  }
  if (exp <= iat) {
    process.stderr.write(`Cannot make that token: --expires ${values.expires} must be a duration in the future (e.g. 30m, 8h)\n`);
    process.exit(2);
  }
  process.stdout.write(`${token}\n`);
}

void main();
