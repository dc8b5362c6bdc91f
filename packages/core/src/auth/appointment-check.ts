import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { setting, type Env } from '../config';
import { unauthenticated } from '../errors';
import { CallerKind, type Identity } from './identity';

/*
 * Staff access follows appointments (issue 14). The identity provider says who someone is; the platform
 * grants only what an appointment current today backs. Before a service (the gateway and every subgraph,
 * called directly as well) serves a staff token, it asks the district subgraph's POST /appointments/check,
 * which verifies the token itself and answers 200 when the subject's current appointments at the claimed
 * unit hold every claimed role, 403 with the reason otherwise. Answers are kept `cacheSeconds` (5 s by
 * default, AUTH_APPOINTMENT_CHECK_CACHE_SECONDS), so an appointment ended today stops working within that
 * time. When the district subgraph cannot be asked the token is refused (503, worth a retry).
 * AUTH_APPOINTMENTS=off (development and tests) trusts staff tokens as they are.
 */

export interface AppointmentCheckOptions {
  /** Whether appointments are required (AUTH_APPOINTMENTS). */
  required: boolean;
  cacheSeconds: number;
}

export function appointmentCheckFromEnvironment(env?: Env): AppointmentCheckOptions {
  return { required: setting('AUTH_APPOINTMENTS', env) === 'required', cacheSeconds: setting('AUTH_APPOINTMENT_CHECK_CACHE_SECONDS', env) };
}

function unavailable(route = '/appointments/check'): GraphQLError {
  const what =
    route === '/households/check'
      ? 'Resident tokens cannot be checked against households right now (the community subgraph'
      : 'Staff tokens cannot be checked against appointments right now (the district subgraph';
  return new GraphQLError(`${what} does not answer): try again shortly.`, {
    extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: new HeaderMap([['retry-after', '2']]) } },
  });
}

interface Answer {
  refusal: string | null;
  until: number;
}

/** Asks the district subgraph whether appointments back a staff token, keeping answers a few seconds. */
export class AppointmentCheck {
  private readonly answers = new Map<string, Answer>();
  private readonly pending = new Map<string, Promise<string | null>>();

  constructor(
    /** The district subgraph's GraphQL URL (its route is beside it); read at each check, peers are filled late. */
    private readonly districtUrl: () => string | undefined,
    readonly options: AppointmentCheckOptions,
    private readonly timeoutMs = 5_000,
    private readonly now: () => number = () => Date.now(),
    /** The community subgraph's GraphQL URL: residents' households are checked at its POST /households/check. */
    private readonly communityUrl: () => string | undefined = () => undefined,
  ) {}

  /**
   * Refuses (UNAUTHENTICATED) a staff token no current appointment backs, and a resident token whose household
   * is not registered in the community it claims (issue 15); partners and the hotline (a service account) and,
   * with appointments off, everyone pass.
   */
  async ensureBacked(identity: Identity, authorization: string | undefined): Promise<void> {
    if (!this.options.required || identity.kind === CallerKind.PARTNER || identity.kind === CallerKind.HOTLINE) return;
    const resident = identity.kind === CallerKind.RESIDENT;
    const id = resident
      ? `resident\u0000${identity.household ?? ''}\u0000${identity.intake?.unit ?? ''}`
      : `${identity.sub}\u0000${identity.unit ?? ''}\u0000${[...identity.roles].sort().join(',')}`;
    const now = this.now();
    const known = this.answers.get(id);
    let refusal: string | null;
    if (known && known.until > now) {
      refusal = known.refusal;
    } else {
      // Concurrent requests of one person share one question.
      let asking = this.pending.get(id);
      if (!asking) {
        asking = (resident ? this.ask(authorization, this.communityUrl, '/households/check') : this.ask(authorization)).finally(() => this.pending.delete(id));
        this.pending.set(id, asking);
      }
      refusal = await asking;
      if (this.options.cacheSeconds > 0) {
        if (this.answers.size >= 10_000) this.prune(now);
        this.answers.set(id, { refusal, until: now + this.options.cacheSeconds * 1000 });
      }
    }
    if (refusal !== null) throw unauthenticated(refusal);
  }

  private async ask(authorization: string | undefined, peer = this.districtUrl, route = '/appointments/check'): Promise<string | null> {
    const url = peer();
    if (!url) throw unavailable(route);
    let res: Response;
    let body: { message?: string };
    try {
      res = await fetch(new URL(route, url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: '{}',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = (await res.json()) as { message?: string };
    } catch {
      throw unavailable(route);
    }
    if (res.status === 403) return body.message ?? 'No current appointment backs this token';
    if (res.status === 401) return 'The token is not valid';
    if (!res.ok) throw unavailable(route);
    return null;
  }

  private prune(now: number): void {
    for (const [id, answer] of this.answers) if (answer.until <= now) this.answers.delete(id);
    if (this.answers.size >= 10_000) this.answers.clear();
  }
}
