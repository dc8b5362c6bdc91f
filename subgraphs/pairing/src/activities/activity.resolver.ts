import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, CallerKind, connectionType, forbidden, PageArgs, rules, type ConnectionData, type Permissions, type RequestContext } from '@cgp/core';
import { Community } from '../pairings/community.type';
import { Enterprise, Pairing, Partner, SocialOrganisation } from '../pairings/pairing.type';
import { pairingVisible, partnerProfile } from '../pairings/pairing.rules';
import { PairingService } from '../pairings/pairing.service';
import { PartnerActivity, PartnerActivitySummary } from './activity.type';
import { activityVisible } from './activity.rules';
import { EndPairingArgs, RecordPartnerActivityInput } from './activity.input';
import { ActivityService } from './activity.service';

export const PartnerActivityConnection = connectionType(PartnerActivity, 'PartnerActivity', 'A page of partners’ service activities, newest first.');

@Resolver(() => PartnerActivity)
export class PartnerActivityResolver {
  @Query(() => PartnerActivity, {
    nullable: true,
    description: 'A partner’s service activity you may see (in your subtree, or your own as a partner), or null.',
  })
  partnerActivity(@Arg('id', () => ID, { description: 'Its id.' }) id: string, @Ctx() ctx: RequestContext): Promise<PartnerActivity | null> {
    return ActivityService.activity(ctx, id);
  }

  @Query(() => PartnerActivitySummary, {
    description:
      'A partner’s public aggregate figures for a year (activities, volunteers, people served). A partner asks for its own; staff name the partner and count what was done in their subtree.',
  })
  partnerActivitySummary(
    @Arg('year', () => Int, { description: 'Calendar year, e.g. 2026.' }) year: number,
    @Ctx() ctx: RequestContext,
    @Arg('partnerId', () => ID, { nullable: true, description: 'The social organisation or enterprise; a partner may leave it out (or give its own id).' })
    partnerId?: string,
  ): Promise<PartnerActivitySummary> {
    if (ctx.identity.kind === CallerKind.PARTNER) {
      if (partnerId && partnerId !== ctx.identity.org) throw forbidden('A partner sees its own figures only');
      return ActivityService.summary(ctx, ctx.identity.org ?? '', year);
    }
    if (!partnerId) throw badInput('Name the partner: partnerId', 'partnerId');
    return ActivityService.summary(ctx, partnerId, year);
  }

  @Mutation(() => PartnerActivity, {
    description:
      'Records a service activity under a pairing: a partner for its own pairings only, or community STAFF on a partner’s behalf for pairings of their community. The pairing must be running on the day held.',
  })
  recordPartnerActivity(
    @Arg('input', () => RecordPartnerActivityInput, { description: 'The activity.' }) input: RecordPartnerActivityInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PartnerActivity> {
    return ActivityService.record(ctx, input);
  }

  @Mutation(() => Pairing, {
    description:
      'Ends a running pairing (district or street STAFF whose subtree holds the community). No activity may have been recorded on or after the end date.',
  })
  endPairing(@Args(() => EndPairingArgs) args: EndPairingArgs, @Ctx() ctx: RequestContext): Promise<Pairing> {
    return ActivityService.endPairing(ctx, args);
  }

  @FieldResolver(() => Pairing, { nullable: true, description: 'The pairing it was held under.' })
  pairing(@Root() a: PartnerActivity, @Ctx() ctx: RequestContext): Promise<Pairing | null> {
    return PairingService.pairing(ctx, a.pairingId);
  }

  @FieldResolver(() => Community, { description: 'The community it served. Partners see its code and name only.' })
  community(@Root() a: PartnerActivity): Community {
    return { code: a.communityCode };
  }

  @FieldResolver(() => Partner, { description: 'The social organisation or caring enterprise that ran it.' })
  async partner(@Root() a: PartnerActivity, @Ctx() ctx: RequestContext): Promise<SocialOrganisation | Enterprise> {
    const partner = a.socialOrganisationId
      ? await PairingService.socialOrganisation(ctx, a.socialOrganisationId)
      : await PairingService.enterprise(ctx, a.enterpriseId as string);
    return partner as SocialOrganisation | Enterprise;
  }
}

// Partners and community staff record activities (the service checks whose pairing it is); only staff end pairings.
export const partnerActivityPermissions: Permissions = {
  Query: { partnerActivity: rules.staffOrPartner, partnerActivitySummary: rules.staffOrPartner },
  Mutation: { recordPartnerActivity: rules.allow, endPairing: rules.unitStaff },
  PartnerActivity: { '*': activityVisible },
  PartnerActivitySummary: { '*': rules.allow },
  PartnerActivityKindCount: { '*': rules.allow },
};

@Resolver(() => Pairing)
export class PairingActivitiesResolver {
  @FieldResolver(() => PartnerActivityConnection, { description: 'Service activities held under this pairing, newest first.' })
  activities(@Root() p: Pairing, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<PartnerActivity>> {
    return ActivityService.ofPairing(ctx, p.id, args);
  }
}

export const pairingActivitiesPermissions: Permissions = {
  Pairing: { activities: pairingVisible },
};

@Resolver(() => SocialOrganisation)
export class SocialOrganisationActivityResolver {
  @FieldResolver(() => PartnerActivitySummary, {
    description: 'The organisation’s figures for a year, as far as you may see its activities (all of them for the organisation itself).',
  })
  activitySummary(
    @Root() org: SocialOrganisation,
    @Arg('year', () => Int, { description: 'Calendar year, e.g. 2026.' }) year: number,
    @Ctx() ctx: RequestContext,
  ): Promise<PartnerActivitySummary> {
    return ActivityService.summary(ctx, org.id, year);
  }
}

export const socialOrganisationActivityPermissions: Permissions = {
  SocialOrganisation: { activitySummary: partnerProfile },
};

@Resolver(() => Enterprise)
export class EnterpriseActivityResolver {
  @FieldResolver(() => PartnerActivitySummary, {
    description: 'The enterprise’s figures for a year, as far as you may see its activities (all of them for the enterprise itself).',
  })
  activitySummary(
    @Root() org: Enterprise,
    @Arg('year', () => Int, { description: 'Calendar year, e.g. 2026.' }) year: number,
    @Ctx() ctx: RequestContext,
  ): Promise<PartnerActivitySummary> {
    return ActivityService.summary(ctx, org.id, year);
  }
}

export const enterpriseActivityPermissions: Permissions = {
  Enterprise: { activitySummary: partnerProfile },
};

@Resolver(() => Community)
export class CommunityPartnerActivitiesResolver {
  @FieldResolver(() => PartnerActivityConnection, { description: 'What the community’s partners did there: their service activities, newest first.' })
  partnerActivities(@Root() c: Community, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<PartnerActivity>> {
    return ActivityService.ofCommunity(ctx, c.code, args);
  }
}

export const communityPartnerActivitiesPermissions: Permissions = {
  Community: { partnerActivities: rules.unitFull },
};
