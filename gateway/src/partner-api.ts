import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { setting, type AuthConfig, type AuthThrottle, type Env, type HttpRoute, type Verifier } from '@cgp/core';
import { pairingUrlOf, PartnerApi, partnerApiFromEnvironment, type Authenticated, type PartnerApiOptions } from './partner-auth';
import { RateLimiter, rateLimitPlugin, rateLimitsFromEnvironment, type RateLimits } from './rate-limit';
import { refusalPlugin } from './refusal';
import { readManifest, Safelist, safelistPlugin, safelistRoute } from './safelist';

/** The partner API's gateway settings (GatewayOptions passes them on). */
export interface PartnerApiSettings {
  /** Per-caller rate limits, or false for none; default from the environment (GATEWAY_RATE_LIMIT*). */
  rateLimits?: RateLimits | false;
  /** Partners may run only safelisted operations; default GATEWAY_PARTNER_SAFELIST (on unless `off`). */
  partnerSafelist?: boolean;
  /** Partner token lifetimes; default from the environment (PARTNER_TOKEN_TTL). */
  partnerApi?: Partial<PartnerApiOptions>;
}

export interface PartnerApiHooks {
  /** Authenticates a GraphQL request (Bearer token, or a partner API key) for the gateway's context. */
  authenticate(req: IncomingMessage): Promise<Authenticated>;
  /** Plugins: refusals, then rate limits, then the safelist. */
  plugins: ApolloServerPlugin<BaseContext>[];
  /** POST /auth/token (key → token) and GET /safelist (the published operations). */
  routes: Record<string, HttpRoute>;
  limiter?: RateLimiter;
}

export function partnerSafelistFromEnvironment(env?: Env): boolean {
  return setting('GATEWAY_PARTNER_SAFELIST', env);
}

/** Everything the partner API adds to the gateway: credentials, the safelist and the rate limits. */
export function partnerApiHooks(
  settings: PartnerApiSettings,
  deps: { auth: AuthConfig; verify: Verifier; throttle?: AuthThrottle; supergraphSdl: string; pairingUrl?: string; timeoutMs?: number },
): PartnerApiHooks {
  const rateLimits = settings.rateLimits ?? rateLimitsFromEnvironment();
  const limiter = rateLimits ? new RateLimiter(rateLimits) : undefined;
  const safelist = new Safelist(readManifest());
  const enforce = settings.partnerSafelist ?? partnerSafelistFromEnvironment();
  const pairingUrl = deps.pairingUrl ?? pairingUrlOf(deps.supergraphSdl) ?? '';
  const options = { ...partnerApiFromEnvironment(), ...(deps.timeoutMs ? { checkTimeoutMs: deps.timeoutMs } : {}), ...settings.partnerApi };
  const partners = new PartnerApi(deps.auth, deps.verify, pairingUrl, options);
  return {
    authenticate: (req) => partners.authenticate(req),
    plugins: [refusalPlugin(), ...(limiter ? [rateLimitPlugin(limiter)] : []), safelistPlugin(safelist, { enforce })],
    routes: { '/auth/token': partners.tokenRoute(limiter, deps.throttle), '/safelist': safelistRoute(safelist) },
    limiter,
  };
}
