import { SignJWT } from 'jose';
import type { Claims } from './identity';

/** Signs an HS256 token for the local secret (demo, tests, the `pnpm token` command). */
export async function signToken(claims: Claims, secret: string, expiresIn: string | number = '8h'): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
