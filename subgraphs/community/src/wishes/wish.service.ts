import {
  emitEvent,
  Access,
  accessToCode,
  assertUnitCode,
  badInput,
  callPeer,
  CallerKind,
  conflict,
  forbidden,
  pageWindow,
  pathOfCode,
  Role,
  rowsByKey,
  toConnection,
  type ConnectionData,
  type PageArgs,
  type RequestContext,
  uuidIn,
  uuidIs,
} from '@cgp/core';
import type { ClaimWishInput, PostWishInput, WishStepInput } from './wish.input';
import { ClaimerKind, WISH_COLUMNS, WishState, type Wish } from './wish.type';

const COMMUNITY_ROLES = [Role.STAFF, Role.PARTY_SECRETARY];

function isCommunityStaffOf(ctx: RequestContext, communityCode: string): boolean {
  return (
    accessToCode(ctx.identity, communityCode) === Access.FULL &&
    ctx.identity.roles.some((r) => COMMUNITY_ROLES.includes(r)) &&
    ctx.identity.kind !== CallerKind.PARTNER
  );
}

/** Who may see a wish: staff in whose subtree it is, or a partner when it is open to partners in a paired community (or claimed by it). */
function visibleSql(ctx: RequestContext, first: number): { sql: string; params: unknown[] } {
  if (ctx.identity.unitPath) return { sql: `path <@ $${first}::ltree`, params: [ctx.identity.unitPath] };
  return {
    sql: `((open_to_partners AND community_code = ANY($${first})) OR claimed_org_id::text = $${first + 1})`,
    params: [ctx.identity.communities, ctx.identity.org ?? ''],
  };
}

async function fresh(ctx: RequestContext, id: string): Promise<Wish> {
  const [wish] = await ctx.query<Wish>(`SELECT ${WISH_COLUMNS} FROM community.wish WHERE ${uuidIs('id', '$1')}`, [id]);
  if (!wish) throw forbidden('No wish with this id that you may see');
  return wish;
}

/** Moves a wish from one state to the next if nobody changed it meanwhile; exactly one of two concurrent moves wins. */
async function move(
  ctx: RequestContext,
  wish: Wish,
  version: number | null,
  from: WishState[],
  to: WishState,
  set: string,
  params: unknown[] = [],
): Promise<Wish> {
  const taken = [WishState.CLAIMED, WishState.FULFILLED, WishState.CONFIRMED];
  if (to === WishState.CLAIMED && taken.includes(wish.state)) throw conflict('Someone else has already claimed this wish');
  if (!from.includes(wish.state)) throw badInput(`This wish is ${wish.state}; that step needs a wish that is ${from.join(' or ')}`, 'wishId');
  if (version !== null && version !== wish.version)
    throw conflict(`The wish changed since you loaded it (now ${wish.state}, version ${wish.version}): reload it`);
  const [moved] = await ctx.query<Wish>(
    `UPDATE community.wish SET state = $3, version = version + 1${set} WHERE ${uuidIs('id', '$1')} AND version = $2 RETURNING ${WISH_COLUMNS}`,
    [wish.id, wish.version, to, ...params],
  );
  if (!moved) {
    const now = await fresh(ctx, wish.id);
    throw conflict(
      now.state === WishState.CLAIMED && to === WishState.CLAIMED
        ? 'Someone else claimed this wish just now'
        : `The wish changed at the same moment (now ${now.state}): reload it`,
    );
  }
  return moved;
}

/**
 * A wish opened to partners is told to the partners paired with its community (issue 15): an event in the
 * outbox, written in the posting request's transaction; never the beneficiary's name (personal data).
 */
function announceOpenedWish(ctx: RequestContext, wish: Wish): Promise<string> {
  return emitEvent(ctx, 'community', {
    type: 'wish.opened',
    payload: { wishId: wish.id, communityCode: wish.communityCode, text: wish.text, category: wish.category, postedAt: wish.postedAt },
    audience: { partnersOf: wish.communityCode },
    path: wish.path,
  });
}

/** Micro-wishes: the wish wall, claims by party members and partners, fulfilment and the resident's confirmation. */
export const WishService = {
  byId(ctx: RequestContext, id: string): Promise<Wish | null> {
    return rowsByKey<Wish>(ctx, 'wish.byId', `SELECT ${WISH_COLUMNS} FROM community.wish WHERE ${uuidIn('id', '$1')}`, (w) => w.id).load(id);
  },

  async post(ctx: RequestContext, input: PostWishInput): Promise<Wish> {
    if (!isCommunityStaffOf(ctx, input.communityCode)) throw forbidden(`Only staff of community ${input.communityCode} (or above it) post wishes on its wall`);
    const [wish] = await ctx.query<Wish>(
      `INSERT INTO community.wish (id, community_code, text, category, beneficiary_name, open_to_partners, state, posted_by, path)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, 'POSTED', $6, $7::ltree) RETURNING ${WISH_COLUMNS}`,
      [input.communityCode, input.text, input.category, input.beneficiaryName, input.openToPartners, ctx.identity.sub, pathOfCode(input.communityCode)],
    );
    if (wish.openToPartners) await announceOpenedWish(ctx, wish);
    return wish;
  },

  /**
   * A partner claims for itself (wishes open to partners in its paired communities); staff record a
   * party member's claim, the member checked with the party subgraph on the caller's behalf.
   */
  async claim(ctx: RequestContext, input: ClaimWishInput): Promise<Wish> {
    const wish = await fresh(ctx, input.wishId);
    if (ctx.identity.kind === CallerKind.PARTNER) {
      if (input.partyMemberId) throw badInput('A partner claims for its own organisation: leave partyMemberId out', 'partyMemberId');
      if (!wish.openToPartners) throw forbidden('This wish is not open to partner organisations');
      return move(ctx, wish, null, [WishState.POSTED], WishState.CLAIMED, `, claimer_kind = 'PARTNER', claimed_org_id = $4, claimed_at = now()`, [
        ctx.identity.org,
      ]);
    }
    if (!input.partyMemberId) throw badInput('Give partyMemberId: the party member who claims the wish', 'partyMemberId');
    if (!isCommunityStaffOf(ctx, wish.communityCode)) throw forbidden('Only staff of the wish’s community record a party member’s claim');
    const found = await callPeer<{ partyMember: { id: string } | null }>(ctx, 'party', `query ClaimingMember($id: ID!) { partyMember(id: $id) { id } }`, {
      id: input.partyMemberId,
    });
    if (!found.partyMember) throw badInput(`No party member ${input.partyMemberId} in your unit`, 'partyMemberId');
    return move(ctx, wish, null, [WishState.POSTED], WishState.CLAIMED, `, claimer_kind = 'PARTY_MEMBER', claimed_member_id = $4, claimed_at = now()`, [
      input.partyMemberId,
    ]);
  },

  /** The claimer (the partner itself, or staff for a party member's claim) marks it fulfilled. */
  async fulfil(ctx: RequestContext, input: WishStepInput): Promise<Wish> {
    const wish = await fresh(ctx, input.wishId);
    const allowed =
      wish.claimerKind === ClaimerKind.PARTNER
        ? ctx.identity.org === wish.claimedByOrganisationId || isCommunityStaffOf(ctx, wish.communityCode)
        : isCommunityStaffOf(ctx, wish.communityCode);
    if (!allowed) throw forbidden('Only the claimer or the community’s staff mark a wish fulfilled');
    return move(ctx, wish, input.version, [WishState.CLAIMED], WishState.FULFILLED, `, fulfilled_at = now()`);
  },

  /**
   * The resident confirms, recorded by the community's staff. (A wish belongs to its community, not to
   * a building, so a building leader, whose unit is one building, does not see it.)
   */
  async confirm(ctx: RequestContext, input: WishStepInput): Promise<Wish> {
    const wish = await fresh(ctx, input.wishId);
    if (!isCommunityStaffOf(ctx, wish.communityCode)) throw forbidden('The resident’s confirmation is recorded by the community’s staff');
    return move(ctx, wish, input.version, [WishState.FULFILLED], WishState.CONFIRMED, `, confirmed_at = now()`);
  },

  async withdraw(ctx: RequestContext, input: WishStepInput): Promise<Wish> {
    const wish = await fresh(ctx, input.wishId);
    if (!isCommunityStaffOf(ctx, wish.communityCode)) throw forbidden('Only the community’s staff withdraw a wish');
    return move(ctx, wish, input.version, [WishState.POSTED, WishState.CLAIMED], WishState.WITHDRAWN, '');
  },

  /** Wishes the caller may see, newest first: open ones (the wish wall) or in given states. */
  async list(ctx: RequestContext, states: WishState[], args: PageArgs, communityCode?: string, unitCode?: string): Promise<ConnectionData<Wish>> {
    const window = pageWindow(args);
    const visible = visibleSql(ctx, 1);
    const params: unknown[] = [...visible.params, states];
    const conditions = [visible.sql, `state = ANY($${params.length})`];
    if (communityCode) {
      params.push(communityCode);
      conditions.push(`community_code = $${params.length}`);
    }
    if (unitCode !== undefined && unitCode !== null) {
      // A unit of the caller's own subtree (the dashboard's open wishes of a district or street office).
      assertUnitCode(unitCode, undefined, 'unitCode');
      const path = pathOfCode(unitCode);
      const scope = ctx.scope;
      if (ctx.identity.kind === CallerKind.PARTNER || (path !== scope && !path.startsWith(`${scope}.`))) throw forbidden();
      params.push(path);
      conditions.push(`path <@ $${params.length}::ltree`);
    }
    const where = conditions.join(' AND ');
    const countParams = [...params];
    let after = '';
    if (window.after) {
      const [at, id] = window.after.split('|');
      if (!id || Number.isNaN(Date.parse(at))) throw badInput('after is not a cursor from this list', 'after');
      params.push(new Date(at), id);
      after = ` AND (posted_at, id::text) < ($${params.length - 1}, $${params.length})`;
    }
    params.push(window.limit + 1);
    const [rows, [{ n }]] = await Promise.all([
      ctx.query<Wish>(
        `SELECT ${WISH_COLUMNS} FROM community.wish WHERE ${where}${after} ORDER BY posted_at DESC, id::text DESC LIMIT $${params.length}`,
        params,
      ),
      ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM community.wish WHERE ${where}`, countParams),
    ]);
    return toConnection(rows, window, n, (w) => `${w.postedAt.toISOString()}|${w.id}`);
  },

  claimedBy(ctx: RequestContext, memberId: string): Promise<Wish[]> {
    return ctx
      .loader<string, Wish[]>('wish.claimedBy', async (ids) => {
        const rows = await ctx.query<Wish>(
          `SELECT ${WISH_COLUMNS} FROM community.wish WHERE ${uuidIn('claimed_member_id', '$1')} AND path <@ $2::ltree ORDER BY claimed_at DESC`,
          [ids, ctx.scope],
        );
        return ids.map((id) => rows.filter((w) => w.claimedMemberId === id));
      })
      .load(memberId);
  },
};
