import { SignJWT } from 'jose';
import type { Claims } from './identity';

/**
 * Signs an HS256 token for the local secret (demo, tests, the `pnpm token` command, and the gateway's
 * short-lived partner tokens). `expiresIn` is a jose duration ('15m') or a number of seconds from now.
 */
export async function signToken(
  claims: Claims,
  secret: string,
  expiresIn: string | number = '8h',
  options: { issuer?: string; audience?: string } = {},
): Promise<string> {
  const { sub, ...rest } = claims;
  const jwt = new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
