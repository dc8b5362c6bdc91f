import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CallerKind, connectionType, maskName, PageArgs, personalField, rules, type ConnectionData, type Permissions, type RequestContext } from '@cgp/core';
import { PartyMember } from './party-member.type';
import { ClaimWishInput, PostWishInput, WishStepInput } from './wish.input';
import { wishCommunityArg, wishVisible } from './wish.rules';
import { WishService } from './wish.service';
import { Wish, WishState } from './wish.type';

export const WishConnection = connectionType(Wish, 'Wish', 'A page of micro-wishes, newest first.');
const OPEN = [WishState.POSTED];

@Resolver(() => Wish)
export class WishResolver {
  @Query(() => WishConnection, {
    description:
      'The wish wall: open wishes you may see, newest first — staff: in your subtree (optionally one community); partners: those opened to partners in your paired communities.',
  })
  wishWall(
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: RequestContext,
    @Arg('communityCode', () => String, {
      nullable: true,
      description: 'Only this community’s wall: one in your subtree (a partner: one of its paired communities), FORBIDDEN otherwise.',
    })
    communityCode?: string,
  ): Promise<ConnectionData<Wish>> {
    return WishService.list(ctx, OPEN, args, communityCode);
  }

  @Query(() => WishConnection, { description: 'Wishes you may see in the given states (default: all), newest first.' })
  wishes(
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: RequestContext,
    @Arg('states', () => [WishState], { nullable: true, description: 'Only these states.' }) states?: WishState[],
    @Arg('communityCode', () => String, {
      nullable: true,
      description: 'Only this community: one in your subtree (a partner: one of its paired communities), FORBIDDEN otherwise.',
    })
    communityCode?: string,
    @Arg('unitCode', () => String, {
      nullable: true,
      description: 'Only the wishes in this unit’s subtree (district, street or community): one in your subtree, FORBIDDEN otherwise (staff only).',
    })
    unitCode?: string,
  ): Promise<ConnectionData<Wish>> {
    return WishService.list(ctx, states?.length ? states : Object.values(WishState), args, communityCode, unitCode);
  }

  @Query(() => Wish, { nullable: true, description: 'A wish you may see, or null.' })
  wish(@Arg('id', () => ID, { description: 'The wish id.' }) id: string, @Ctx() ctx: RequestContext): Promise<Wish | null> {
    return WishService.byId(ctx, id);
  }

  @Mutation(() => Wish, { description: 'Posts a resident’s wish on the community’s wish wall (community staff).' })
  postWish(@Arg('input', () => PostWishInput) input: PostWishInput, @Ctx() ctx: RequestContext): Promise<Wish> {
    return WishService.post(ctx, input);
  }

  @Mutation(() => Wish, {
    description:
      'Claims an open wish: a partner for itself, or staff recording a party member’s claim. Of two claims at once exactly one wins; the other gets CONFLICT.',
  })
  claimWish(@Arg('input', () => ClaimWishInput) input: ClaimWishInput, @Ctx() ctx: RequestContext): Promise<Wish> {
    return WishService.claim(ctx, input);
  }

  @Mutation(() => Wish, { description: 'Marks a claimed wish fulfilled (the claimer, or community staff).' })
  fulfilWish(@Arg('input', () => WishStepInput) input: WishStepInput, @Ctx() ctx: RequestContext): Promise<Wish> {
    return WishService.fulfil(ctx, input);
  }

  @Mutation(() => Wish, { description: 'Records the resident’s confirmation of a fulfilled wish (staff of the wish’s community or above it).' })
  confirmWish(@Arg('input', () => WishStepInput) input: WishStepInput, @Ctx() ctx: RequestContext): Promise<Wish> {
    return WishService.confirm(ctx, input);
  }

  @Mutation(() => Wish, { description: 'Withdraws a posted or claimed wish (community staff).' })
  withdrawWish(@Arg('input', () => WishStepInput) input: WishStepInput, @Ctx() ctx: RequestContext): Promise<Wish> {
    return WishService.withdraw(ctx, input);
  }

  @FieldResolver(() => String, { description: 'The resident the wish is for (personal data: masked unless your work needs it; partners see only 居民).' })
  beneficiary(@Root() wish: Wish, @Ctx() ctx: RequestContext): string {
    if (ctx.identity.kind === CallerKind.PARTNER) return '居民';
    return personalField(
      ctx,
      'community.personal_data_read',
      { recordType: 'Wish', recordId: wish.id, field: 'beneficiary', path: wish.path },
      wish.beneficiaryName,
      maskName,
    ) as string;
  }

  @FieldResolver(() => PartyMember, { nullable: true, description: 'The party member who claimed it, if a member did.' })
  claimedByMember(@Root() wish: Wish): PartyMember | null {
    return wish.claimedMemberId ? { id: wish.claimedMemberId } : null;
  }
}

export const wishPermissions: Permissions = {
  // Whose wishes a list or a lookup gives is decided by the service (the caller's subtree, a partner's paired communities) and by wishVisible on each.
  Query: { wishWall: wishCommunityArg, wishes: wishCommunityArg, wish: rules.allow },
  // Claims and fulfilment are open to partners too; the service checks who may take each step.
  Mutation: { postWish: rules.unitStaff, claimWish: rules.allow, fulfilWish: rules.allow, confirmWish: rules.unitStaff, withdrawWish: rules.unitStaff },
  Wish: { '*': wishVisible },
};

@Resolver(() => PartyMember)
export class PartyMemberWishesResolver {
  @FieldResolver(() => [Wish], { description: 'Micro-wishes this party member claimed, newest first (within your subtree).' })
  claimedWishes(@Root() member: PartyMember, @Ctx() ctx: RequestContext): Promise<Wish[]> {
    return WishService.claimedBy(ctx, member.id);
  }
}

export const partyMemberWishesPermissions: Permissions = {
  PartyMember: { id: rules.allow, claimedWishes: rules.unitStaff },
};
