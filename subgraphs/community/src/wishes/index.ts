import { defineFeature } from '@cgp/core';
import { CreateWishes1732000020000 } from './migrations/1732000020000-create-wishes';
import { PartyMember } from './party-member.type';
import { PartyMemberWishesResolver, partyMemberWishesPermissions, WishResolver, wishPermissions } from './wish.resolver';
import { wishReference } from './wish.reference';
import { seedWishes } from './wish.seed';

/** Micro-wishes (微心愿): the wish wall, claims by party members and partners, fulfilment and the resident's confirmation. */
export const wishes = defineFeature({
  name: 'wishes',
  resolvers: [WishResolver, PartyMemberWishesResolver],
  orphanedTypes: [PartyMember],
  permissions: [wishPermissions, partyMemberWishesPermissions],
  references: wishReference,
  migrations: [CreateWishes1732000020000],
  seed: seedWishes,
});
