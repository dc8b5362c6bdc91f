import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { connectionType, forbidden, PageArgs, rules, type ConnectionData, type Permissions, type RequestContext } from '@cgp/core';
import { Community } from './community.type';
import { RenewPairingInput, StartPairingInput } from './pairing.input';
import { Enterprise, Pairing, PairingTerm, Partner, SocialOrganisation } from './pairing.type';
import { pairingVisible, partnerProfile } from './pairing.rules';
import { PairingService } from './pairing.service';

export const SocialOrganisationConnection = connectionType(SocialOrganisation, 'SocialOrganisation', 'A page of social organisations.');
export const EnterpriseConnection = connectionType(Enterprise, 'Enterprise', 'A page of caring enterprises.');

@Resolver(() => Pairing)
export class PairingResolver {
  @Query(() => Pairing, { nullable: true, description: 'A pairing you may see (in your subtree, or your own as a partner), or null.' })
  pairing(@Arg('id', () => ID, { description: 'Its id.' }) id: string, @Ctx() ctx: RequestContext): Promise<Pairing | null> {
    return PairingService.pairing(ctx, id);
  }

  @Query(() => Partner, { description: 'Your own organisation, for a partner token (social organisation or caring enterprise), with its pairings.' })
  async myOrganisation(@Ctx() ctx: RequestContext): Promise<SocialOrganisation | Enterprise> {
    const org = ctx.identity.org ? await PairingService.partnerOf(ctx, ctx.identity.org) : null;
    if (!org) throw forbidden('This token speaks for no partner organisation known here');
    return org;
  }

  @Mutation(() => Pairing, {
    description:
      'Starts a pairing of a community in your subtree with a partner registered in its district (district or street STAFF), for an agreed term with the agreement’s content. One running pairing per community and partner (CONFLICT otherwise). The partner’s tokens made from then on include the community.',
  })
  startPairing(@Arg('input', () => StartPairingInput, { description: 'The pairing.' }) input: StartPairingInput, @Ctx() ctx: RequestContext): Promise<Pairing> {
    return PairingService.start(ctx, input);
  }

  @Mutation(() => Pairing, {
    description: 'Renews a running pairing for a new term (district or street STAFF whose subtree holds the community); the terms are kept in `terms`.',
  })
  renewPairing(
    @Arg('input', () => RenewPairingInput, { description: 'The new term.' }) input: RenewPairingInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Pairing> {
    return PairingService.renew(ctx, input);
  }

  @FieldResolver(() => [PairingTerm], {
    description: 'Its terms, oldest first: the start and each renewal, with the agreement for each (none for pairings started before terms were recorded).',
  })
  terms(@Root() pairing: Pairing, @Ctx() ctx: RequestContext): Promise<PairingTerm[]> {
    return PairingService.termsOf(ctx, pairing.id);
  }

  @FieldResolver(() => Community, { description: 'The paired community. Partners see its code and name only.' })
  community(@Root() pairing: Pairing): Community {
    return { code: pairing.communityCode };
  }

  @FieldResolver(() => Partner, { description: 'The social organisation or caring enterprise.' })
  async partner(@Root() pairing: Pairing, @Ctx() ctx: RequestContext): Promise<SocialOrganisation | Enterprise> {
    const partner = pairing.socialOrganisationId
      ? await PairingService.socialOrganisation(ctx, pairing.socialOrganisationId)
      : await PairingService.enterprise(ctx, pairing.enterpriseId as string);
    return partner as SocialOrganisation | Enterprise;
  }

  @FieldResolver(() => Boolean, { description: 'True while the pairing runs (no end date, or an end date in the future).' })
  active(@Root() pairing: Pairing): boolean {
    return !pairing.endedOn || pairing.endedOn > new Date().toISOString().slice(0, 10);
  }
}

export const pairingPermissions: Permissions = {
  Query: { pairing: rules.allow, myOrganisation: rules.partner },
  // The service checks the tier, role and subtree.
  Mutation: { startPairing: rules.unitStaff, renewPairing: rules.unitStaff },
  Pairing: { '*': pairingVisible },
  PairingTerm: { '*': rules.allow },
};

@Resolver(() => SocialOrganisation)
export class SocialOrganisationResolver {
  @Query(() => SocialOrganisationConnection, { description: 'Social organisations registered in your district (a partner sees only itself).' })
  socialOrganisations(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<SocialOrganisation>> {
    return PairingService.socialOrganisations(ctx, args);
  }

  @Query(() => SocialOrganisation, { nullable: true, description: 'A social organisation you may see, or null.' })
  socialOrganisation(@Arg('id', () => ID, { description: 'Its id.' }) id: string, @Ctx() ctx: RequestContext): Promise<SocialOrganisation | null> {
    return PairingService.socialOrganisation(ctx, id);
  }

  @FieldResolver(() => [Pairing], { description: 'Its pairings that you may see (in your subtree; all of them for the organisation itself).' })
  pairings(@Root() org: SocialOrganisation, @Ctx() ctx: RequestContext): Promise<Pairing[]> {
    return PairingService.pairingsOfPartner(ctx, org.id);
  }
}

export const socialOrganisationPermissions: Permissions = {
  Query: { socialOrganisations: rules.staffOrPartner, socialOrganisation: rules.staffOrPartner },
  SocialOrganisation: { '*': partnerProfile },
};

@Resolver(() => Enterprise)
export class EnterpriseResolver {
  @Query(() => EnterpriseConnection, { description: 'Caring enterprises registered in your district (a partner sees only itself).' })
  enterprises(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Enterprise>> {
    return PairingService.enterprises(ctx, args);
  }

  @FieldResolver(() => [Pairing], { description: 'Its pairings that you may see (in your subtree; all of them for the enterprise itself).' })
  pairings(@Root() org: Enterprise, @Ctx() ctx: RequestContext): Promise<Pairing[]> {
    return PairingService.pairingsOfPartner(ctx, org.id);
  }
}

export const enterprisePermissions: Permissions = {
  Query: { enterprises: rules.staffOrPartner },
  Enterprise: { '*': partnerProfile },
};

@Resolver(() => Community)
export class CommunityPairingsResolver {
  @FieldResolver(() => [Pairing], { description: 'The community’s pairings with social organisations and caring enterprises, newest first.' })
  pairings(@Root() community: Community, @Ctx() ctx: RequestContext): Promise<Pairing[]> {
    return PairingService.pairingsOfCommunity(ctx, community.code);
  }
}

export const communityPairingsPermissions: Permissions = {
  Community: { pairings: rules.unitFull },
};
