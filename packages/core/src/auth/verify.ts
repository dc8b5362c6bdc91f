import { HeaderMap } from '@apollo/server';
import { setting, type Env } from '../config';
import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
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
  /**
   * An OIDC provider's issuer URL: its keys are found through its discovery document
   * (`<issuer>/.well-known/openid-configuration` → `jwks_uri`), and its tokens must carry this `iss`.
   * Takes the place of `jwksUrl` + `issuer` (`audience` is still needed).
   */
  oidcIssuer?: string;
  /**
   * Development only (refused in production): with a provider, HS256 staff tokens signed with the secret
   * are accepted too (tokens pasted by hand, `pnpm token`, the launcher's demo token).
   */
  localStaffTokens?: boolean;
  /** Longest lifetime a token may have, `exp − iat` (or `exp − now` without iat), in seconds; default 24 h. */
  maxTokenLifetimeSeconds?: number;
  /** Clock difference tolerated with the token's issuer for exp, nbf and iat, in seconds; default 60. */
  clockSkewSeconds?: number;
}

/** A staff token lives at most a working day (the launcher's demo token is 12 h, `pnpm token` 8 h, partner tokens ≤ 1 h). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = setting('AUTH_MAX_TOKEN_LIFETIME_SECONDS', {});
/** Clocks of the identity provider and the services may differ by this much. */
export const DEFAULT_CLOCK_SKEW_SECONDS = setting('AUTH_CLOCK_SKEW_SECONDS', {});

/** AUTH_MAX_TOKEN_LIFETIME_SECONDS: the longest token lifetime the services accept (default 24 h). */
export function maxTokenLifetimeFromEnvironment(env?: Env): number {
  // From 5 minutes (the shortest sensible staff session) to a week (config.ts).
  return setting('AUTH_MAX_TOKEN_LIFETIME_SECONDS', env);
}

export function authConfigFromEnvironment(env?: Env): AuthConfig {
  const config: AuthConfig = {
    secret: setting('AUTH_JWT_SECRET', env),
    jwksUrl: setting('AUTH_JWKS_URL', env),
    issuer: setting('AUTH_ISSUER', env),
    audience: setting('AUTH_AUDIENCE', env),
    oidcIssuer: setting('AUTH_OIDC_ISSUER', env),
    localStaffTokens: setting('AUTH_LOCAL_STAFF_TOKENS', env),
    maxTokenLifetimeSeconds: maxTokenLifetimeFromEnvironment(env),
    // Up to 5 minutes: beyond that the clocks need fixing, not tolerating.
    clockSkewSeconds: setting('AUTH_CLOCK_SKEW_SECONDS', env),
  };
  if (!config.secret && !config.jwksUrl && !config.oidcIssuer) {
    throw new Error('No way to verify tokens: set AUTH_JWT_SECRET (HS256, local), AUTH_OIDC_ISSUER or AUTH_JWKS_URL (an OIDC provider)');
  }
  if (config.secret && config.secret.length < 32) throw new Error('AUTH_JWT_SECRET must be at least 32 characters');
  if (config.jwksUrl && config.oidcIssuer) throw new Error('Set AUTH_OIDC_ISSUER (keys found by discovery) or AUTH_JWKS_URL with AUTH_ISSUER, not both');
  if (config.jwksUrl && (!config.issuer || !config.audience)) throw new Error('AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE');
  if (config.oidcIssuer) {
    if (!/^https?:\/\/[^\s]+$/.test(config.oidcIssuer))
      throw new Error(`Invalid AUTH_OIDC_ISSUER="${config.oidcIssuer}": the provider's issuer URL, e.g. https://sso.example.gov.cn/realms/cgp`);
    if (!config.audience) throw new Error('AUTH_OIDC_ISSUER needs AUTH_AUDIENCE (the audience the provider puts in access tokens for this platform)');
  }
  if (config.localStaffTokens) {
    if (setting('NODE_ENV', env) === 'production')
      throw new Error('AUTH_LOCAL_STAFF_TOKENS=on is for development only: it is refused with NODE_ENV=production');
    if (!config.secret || (!config.jwksUrl && !config.oidcIssuer))
      throw new Error('AUTH_LOCAL_STAFF_TOKENS=on needs AUTH_JWT_SECRET and an identity provider (AUTH_OIDC_ISSUER or AUTH_JWKS_URL)');
  }
  return config;
}

export type Verifier = (authorization: string | undefined) => Promise<Identity>;

const PROVIDER_ALGORITHMS = ['RS256', 'ES256', 'PS256'];

/** A provider's discovery document could not be read: the token cannot be checked now (not the caller's fault). */
class DiscoveryFailed extends Error {}

/**
 * The provider's keys through its discovery document, read when the first token arrives (the provider
 * may start after the services) and again after a failure; jose's remote key set then refetches the
 * keys when a token names a key it does not know (key rotation).
 */
function discoveredKeys(issuer: string): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const discover = async (): Promise<JWTVerifyGetKey> => {
    const address = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await fetch(address, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      throw new DiscoveryFailed(`the identity provider's discovery document ${address} could not be read (${(error as Error).message})`);
    }
    // OpenID Connect Discovery 1.0 §4.3: the document's issuer must be exactly the one configured.
    if (document.issuer !== issuer)
      throw new DiscoveryFailed(`the discovery document at ${address} names issuer ${JSON.stringify(document.issuer)}, not ${issuer}`);
    if (typeof document.jwks_uri !== 'string') throw new DiscoveryFailed(`the discovery document at ${address} has no jwks_uri`);
    return createRemoteJWKSet(new URL(document.jwks_uri));
  };
  return async (header, token) => {
    keys ??= discover().catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    return (await keys)(header, token);
  };
}

/** A duration for messages: `90 s`, `30 min`, `36 h`. */
function duration(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * The token's lifetime (`exp − iat`, or `exp − now` when it has no iat) against the maximum, and an iat
 * that is not in the future (beyond the skew). jose has checked exp and nbf, and that iat is a number.
 */
function checkLifetime(payload: JWTPayload, maxLifetime: number, skew: number): void {
  const now = Math.floor(Date.now() / 1000);
  const exp = payload.exp as number;
  if (payload.iat !== undefined && payload.iat > now + skew) {
    throw unauthenticated(
      `The token is not valid yet: it was issued ${duration(payload.iat - now)} in the future (more than the ${duration(skew)} of clock difference allowed); check the issuer's clock`,
    );
  }
  const lifetime = payload.iat !== undefined ? exp - payload.iat : exp - now;
  // Without iat the issuer's clock is unknown: its skew is allowed on top.
  const allowed = payload.iat !== undefined ? maxLifetime : maxLifetime + skew;
  if (lifetime > allowed) {
    throw unauthenticated(
      `The token lives too long: it is valid for ${duration(lifetime)}${payload.iat === undefined ? ' from now' : ' (exp − iat)'}, and this platform accepts tokens of at most ${duration(maxLifetime)}; get one that expires sooner`,
    );
  }
}

/**
 * Verifies `Authorization: Bearer <JWT>` and returns the caller; anything else is UNAUTHENTICATED.
 * Every token must expire (`exp`), within the maximum lifetime; exp, nbf and iat are checked with the
 * allowed clock skew.
 *
 * Locally every token is HS256 with the shared secret. With an OIDC provider (`jwksUrl`), staff tokens
 * are the provider's (RS256/ES256/PS256, issuer and audience checked); when a secret is set as well,
 * HS256 tokens signed with it are accepted too, but only PARTNER tokens: those are the short-lived
 * tokens the gateway issues for partner API keys — unless `localStaffTokens` (development: the
 * embedded development provider beside hand-made tokens) lets HS256 staff tokens in as well.
 * A provider is named by its JWKS URL and issuer, or by its issuer alone (`oidcIssuer`, discovery).
 */
export function createVerifier(config: AuthConfig): Verifier {
  const secret = config.secret ? new TextEncoder().encode(config.secret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : config.oidcIssuer
      ? discoveredKeys(config.oidcIssuer)
      : undefined;
  const issuer = config.oidcIssuer ?? config.issuer;
  const maxLifetime = config.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  const skew = config.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const checks = { requiredClaims: ['exp'], clockTolerance: skew };
  return async (authorization) => {
    if (!authorization) throw unauthenticated('Sign in: send Authorization: Bearer <token>');
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
    const token = match[1];
    try {
      const alg = decodeProtectedHeader(token).alg;
      if (jwks && (alg !== 'HS256' || !secret)) {
        const { payload } = await jwtVerify(token, jwks, { ...checks, algorithms: PROVIDER_ALGORITHMS, issuer, audience: config.audience });
        checkLifetime(payload, maxLifetime, skew);
        return identityFromClaims(payload);
      }
      const { payload } = await jwtVerify(token, secret as Uint8Array, {
        ...checks,
        algorithms: ['HS256'],
        issuer: jwks ? undefined : config.issuer,
        audience: jwks ? undefined : config.audience,
      });
      checkLifetime(payload, maxLifetime, skew);
      const identity = identityFromClaims(payload);
      // The gateway issues HS256 tokens for partners' API keys and for Open311 clients' keys (HOTLINE with a key claim).
      const gatewayIssued = identity.kind === CallerKind.PARTNER || (identity.kind === CallerKind.HOTLINE && identity.apiKey !== undefined);
      if (jwks && !gatewayIssued && !config.localStaffTokens)
        throw unauthenticated('Staff tokens come from the identity provider: this HS256 token is not accepted');
      return identity;
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      // Not the caller's fault (and not a failed sign-in to count): the provider cannot be asked now.
      if (error instanceof DiscoveryFailed) {
        throw new GraphQLError(`Tokens cannot be checked right now: ${error.message}; try again shortly`, {
          extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: new HeaderMap([['retry-after', '5']]) } },
        });
      }
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('The token has expired: get a new one');
      if (error instanceof joseErrors.JWTClaimValidationFailed) {
        if (error.claim === 'exp' && error.reason === 'missing')
          throw unauthenticated(`The token has no expiry (exp claim): tokens must expire, at most ${duration(maxLifetime)} after they are issued`);
        if (error.claim === 'nbf' && error.reason === 'check_failed')
          throw unauthenticated(
            `The token is not valid yet (its nbf is more than ${duration(skew)} ahead of this server's clock): wait, or check the issuer's clock`,
          );
        if (['exp', 'nbf', 'iat'].includes(error.claim))
          throw unauthenticated(`The token's ${error.claim} claim is not valid: it must be a number of seconds since 1970`);
      }
      if (error instanceof ZodError) throw unauthenticated(`The token's claims are not valid: ${error.issues.map((i) => i.message).join('; ')}`);
      throw unauthenticated('The token is not valid (bad signature, issuer, audience or format)');
    }
  };
}
