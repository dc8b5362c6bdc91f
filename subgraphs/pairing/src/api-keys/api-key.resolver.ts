import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { rules, type Permissions, type RequestContext } from '@cgp/core';
import { Enterprise, Partner, SocialOrganisation } from '../pairings/pairing.type';
import { PairingService } from '../pairings/pairing.service';
import { CreatePartnerApiKeyInput, PartnerApiKeysArgs, RevokePartnerApiKeyArgs } from './api-key.input';
import { apiKeyVisible, districtStaff } from './api-key.rules';
import { ApiKeyService } from './api-key.service';
import { CreatedPartnerApiKey, PartnerApiKey } from './api-key.type';

@Resolver(() => PartnerApiKey)
export class PartnerApiKeyResolver {
  @Query(() => [PartnerApiKey], {
    description: 'API keys your district issued to partner organisations, newest first (district STAFF). Never the keys themselves: their prefixes and state.',
  })
  partnerApiKeys(@Args(() => PartnerApiKeysArgs) args: PartnerApiKeysArgs, @Ctx() ctx: RequestContext): Promise<PartnerApiKey[]> {
    return ApiKeyService.list(ctx, args);
  }

  @Mutation(() => CreatedPartnerApiKey, {
    description:
      'Issues an API key to a partner organisation paired with a community of your district (district STAFF). The answer carries the key this once: only its SHA-256 hash is stored. The partner exchanges it at the gateway (POST /auth/token) or sends it as `Authorization: ApiKey <key>`.',
  })
  createPartnerApiKey(
    @Arg('input', () => CreatePartnerApiKeyInput, { description: 'Whom the key is for and what for.' }) input: CreatePartnerApiKeyInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CreatedPartnerApiKey> {
    return ApiKeyService.create(ctx, input);
  }

  @Mutation(() => PartnerApiKey, {
    description:
      'Revokes an API key your district issued (district STAFF). It stops working at once, and so do the tokens exchanged for it (the gateway checks them on every request).',
  })
  revokePartnerApiKey(@Args(() => RevokePartnerApiKeyArgs) args: RevokePartnerApiKeyArgs, @Ctx() ctx: RequestContext): Promise<PartnerApiKey> {
    return ApiKeyService.revoke(ctx, args.id);
  }

  @FieldResolver(() => Boolean, { description: 'True until the key is revoked.' })
  active(@Root() key: PartnerApiKey): boolean {
    return key.revokedAt === null;
  }

  @FieldResolver(() => Partner, { description: 'The social organisation or caring enterprise the key speaks for.' })
  async partner(@Root() key: PartnerApiKey, @Ctx() ctx: RequestContext): Promise<SocialOrganisation | Enterprise> {
    const partner = key.socialOrganisationId
      ? await PairingService.socialOrganisation(ctx, key.socialOrganisationId)
      : await PairingService.enterprise(ctx, key.enterpriseId as string);
    return partner as SocialOrganisation | Enterprise;
  }
}

// Partner API keys: district STAFF of the issuing district only; the key itself appears once, in CreatedPartnerApiKey.
export const partnerApiKeyPermissions: Permissions = {
  Query: { partnerApiKeys: districtStaff },
  Mutation: { createPartnerApiKey: districtStaff, revokePartnerApiKey: districtStaff },
  PartnerApiKey: { '*': apiKeyVisible },
  CreatedPartnerApiKey: { '*': rules.allow },
};
