import { setting, type Env } from '../config';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { unauthenticated } from '../errors';
import { CallerKind, type Identity } from './identity';

/*
 * Revocation of partner API keys reaches the subgraphs (issue 12, item 3). A partner token the gateway
 * made from an API key carries the key's id (`key`); the gateway asks the pairing subgraph about the key
 * on every request, and every subgraph now asks too before it serves such a token — called directly as
 * well as through the gateway. The pairing subgraph's POST /partner-keys/check answers 200 while the key
 * is not revoked, 401 once it is. A subgraph keeps each answer `cacheSeconds` (5 s by default,
 * AUTH_KEY_CHECK_CACHE_SECONDS), so a revoked key's tokens are refused everywhere within that time.
 * When the pairing subgraph cannot be asked, such a token is refused (503, worth a retry): a key whose
 * state is unknown is not taken for valid.
 */

/** The configuration's default (config.ts). */
export const DEFAULT_KEY_CHECK_CACHE_SECONDS = setting('AUTH_KEY_CHECK_CACHE_SECONDS', {});

/** AUTH_KEY_CHECK_CACHE_SECONDS: how long a subgraph keeps the pairing subgraph's answer about a key (0–60 s). */
export function keyCheckCacheSecondsFromEnvironment(env?: Env): number {
  return setting('AUTH_KEY_CHECK_CACHE_SECONDS', env);
}

export const REVOKED_KEY_MESSAGE = 'This token was made from an API key that has been revoked: ask your district for a new key.';

function unavailable(): GraphQLError {
  return new GraphQLError('Partner tokens cannot be checked right now (the pairing subgraph does not answer): try again shortly.', {
    extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: new HeaderMap([['retry-after', '2']]) } },
  });
}

interface Answer {
  active: boolean;
  until: number;
}

/** Asks the pairing subgraph whether a partner token's key is still valid, keeping answers a few seconds. */
export class PartnerKeyCheck {
  private readonly answers = new Map<string, Answer>();
  private readonly pending = new Map<string, Promise<boolean>>();

  constructor(
    /** The pairing subgraph's GraphQL URL (its key routes are beside it); read at each check, peers are filled late. */
    private readonly pairingUrl: () => string | undefined,
    readonly cacheSeconds = DEFAULT_KEY_CHECK_CACHE_SECONDS,
    private readonly timeoutMs = 5_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Refuses (UNAUTHENTICATED) a partner token whose key is revoked; other callers pass untouched. */
  async ensureActive(identity: Identity, authorization: string | undefined): Promise<void> {
    if (identity.kind !== CallerKind.PARTNER || !identity.apiKey) return;
    const id = `${identity.apiKey}:${identity.org ?? ''}`;
    const now = this.now();
    const known = this.answers.get(id);
    let active: boolean;
    if (known && known.until > now) {
      active = known.active;
    } else {
      // Concurrent requests with one key share one question.
      let asking = this.pending.get(id);
      if (!asking) {
        asking = this.ask(authorization).finally(() => this.pending.delete(id));
        this.pending.set(id, asking);
      }
      active = await asking;
      if (this.cacheSeconds > 0) {
        if (this.answers.size >= 10_000) this.prune(now);
        this.answers.set(id, { active, until: now + this.cacheSeconds * 1000 });
      }
    }
    if (!active) throw unauthenticated(REVOKED_KEY_MESSAGE);
  }

  private async ask(authorization: string | undefined): Promise<boolean> {
    const url = this.pairingUrl();
    if (!url) throw unavailable();
    let res: Response;
    try {
      res = await fetch(new URL('/partner-keys/check', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: '{}',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.arrayBuffer();
    } catch {
      throw unavailable();
    }
    if (res.status === 401) return false;
    if (!res.ok) throw unavailable();
    return true;
  }

  private prune(now: number): void {
    for (const [id, answer] of this.answers) if (answer.until <= now) this.answers.delete(id);
    // Still full of live answers (a flood of keys): start over rather than grow.
    if (this.answers.size >= 10_000) this.answers.clear();
  }
}
