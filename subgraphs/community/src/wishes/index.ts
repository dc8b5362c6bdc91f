import { rules } from '@cgp/core';
import { CreateWishes1732000020000 } from '../migrations/1732000020000-create-wishes';
import { PartyMember } from './wish.entity';
import { PartyMemberWishesResolver, WishResolver, wishReferenceResolvers } from './wish.resolver';
import { wishCommunityArg, wishVisible } from './wish.rules';
import { seedWishes } from './wish.seed';

/** Micro-wishes (微心愿), as one piece of the community subgraph. */
export const wishes = {
  resolvers: [WishResolver, PartyMemberWishesResolver] as const,
  orphanedTypes: [PartyMember],
  migrations: [CreateWishes1732000020000],
  referenceResolvers: wishReferenceResolvers,
  seed: seedWishes,
  permissions: {
    Query: { wishWall: wishCommunityArg, wishes: wishCommunityArg, wish: rules.allow },
    Mutation: { postWish: rules.unitStaff, claimWish: rules.allow, fulfilWish: rules.allow, confirmWish: rules.unitStaff, withdrawWish: rules.unitStaff },
    Wish: { '*': wishVisible },
    PartyMember: { id: rules.allow, claimedWishes: rules.unitStaff },
  },
};
