import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ZodError } from 'zod';
import { unauthenticated } from '../errors';
import { CallerKind, identityFromClaims, type Identity } from './identity';

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

const PROVIDER_ALGORITHMS = ['RS256', 'ES256', 'PS256'];

/**
 * Verifies `Authorization: Bearer <JWT>` and returns the caller; anything else is UNAUTHENTICATED.
 *
 * Locally every token is HS256 with the shared secret. With an OIDC provider (`jwksUrl`), staff tokens
 * are the provider's (RS256/ES256/PS256, issuer and audience checked); when a secret is set as well,
 * HS256 tokens signed with it are accepted too, but only PARTNER tokens: those are the short-lived
 * tokens the gateway issues for partner API keys.
 */
export function createVerifier(config: AuthConfig): Verifier {
  const secret = config.secret ? new TextEncoder().encode(config.secret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  return async (authorization) => {
    if (!authorization) throw unauthenticated('Sign in: send Authorization: Bearer <token>');
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
    const token = match[1];
    try {
      const alg = decodeProtectedHeader(token).alg;
      if (jwks && (alg !== 'HS256' || !secret)) {
        const { payload } = await jwtVerify(token, jwks, { algorithms: PROVIDER_ALGORITHMS, issuer: config.issuer, audience: config.audience });
        return identityFromClaims(payload);
      }
      const { payload } = await jwtVerify(token, secret as Uint8Array, { algorithms: ['HS256'], issuer: jwks ? undefined : config.issuer, audience: jwks ? undefined : config.audience });
      const identity = identityFromClaims(payload);
      if (jwks && identity.kind !== CallerKind.PARTNER) throw unauthenticated('Staff tokens come from the identity provider: this HS256 token is not accepted');
      return identity;
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('The token has expired: get a new one');
      if (error instanceof ZodError) throw unauthenticated(`The token's claims are not valid: ${error.issues.map((i) => i.message).join('; ')}`);
      throw unauthenticated('The token is not valid (bad signature, issuer, audience or format)');
    }
  };
}
