import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ZodError } from 'zod';
import { unauthenticated } from '../errors';
import { identityFromClaims, type Identity } from './identity';

export interface AuthConfig {
  /** HS256 shared secret (local and tests). */
  secret?: string;
  /** JWKS URL of an OIDC provider (production). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

export function authConfigFromEnvironment(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const config: AuthConfig = {
    secret: env.AUTH_JWT_SECRET || undefined,
    jwksUrl: env.AUTH_JWKS_URL || undefined,
    issuer: env.AUTH_ISSUER || undefined,
    audience: env.AUTH_AUDIENCE || undefined,
  };
  if (!config.secret && !config.jwksUrl) {
    throw new Error('No way to verify tokens: set AUTH_JWT_SECRET (HS256, local) or AUTH_JWKS_URL (an OIDC provider)');
  }
  if (config.secret && config.secret.length < 32) throw new Error('AUTH_JWT_SECRET must be at least 32 characters');
  if (config.jwksUrl && (!config.issuer || !config.audience)) throw new Error('AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE');
  return config;
}

export type Verifier = (authorization: string | undefined) => Promise<Identity>;

/** Verifies `Authorization: Bearer <JWT>` and returns the caller; anything else is UNAUTHENTICATED. */
export function createVerifier(config: AuthConfig): Verifier {
  const key: Uint8Array | JWTVerifyGetKey = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : new TextEncoder().encode(config.secret);
  const algorithms = config.jwksUrl ? ['RS256', 'ES256', 'PS256'] : ['HS256'];
  return async (authorization) => {
    if (!authorization) throw unauthenticated('Sign in: send Authorization: Bearer <token>');
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
    try {
      const { payload } = await jwtVerify(match[1], key as Uint8Array, { algorithms, issuer: config.issuer, audience: config.audience });
      return identityFromClaims(payload);
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('The token has expired: get a new one');
      if (error instanceof ZodError) throw unauthenticated(`The token's claims are not valid: ${error.issues.map((i) => i.message).join('; ')}`);
      throw unauthenticated('The token is not valid (bad signature, issuer, audience or format)');
    }
  };
}
