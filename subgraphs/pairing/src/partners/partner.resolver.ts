import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Permissions, RequestContext } from '@cgp/core';
import { partnerRegistrar } from './partner.rules';
import { Enterprise, SocialOrganisation } from '../pairings/pairing.type';
import { RegisterEnterpriseInput, RegisterSocialOrganisationInput } from './partner.input';
import { PartnerService } from './partner.service';

@Resolver()
export class PartnerRegistryResolver {
  @Mutation(() => SocialOrganisation, {
    description:
      'Registers a social organisation as a partner of your district (district STAFF). Its unified social credit code is checked and may be registered once per district (CONFLICT names the holder). Then start pairings (startPairing) and issue it an API key (createPartnerApiKey).',
  })
  registerSocialOrganisation(@Arg('input', () => RegisterSocialOrganisationInput, { description: 'The organisation.' }) input: RegisterSocialOrganisationInput, @Ctx() ctx: RequestContext): Promise<SocialOrganisation> {
    return PartnerService.registerSocialOrganisation(ctx, input);
  }

  @Mutation(() => Enterprise, {
    description: 'Registers a caring enterprise as a partner of your district (district STAFF), as registerSocialOrganisation does for social organisations.',
  })
  registerEnterprise(@Arg('input', () => RegisterEnterpriseInput, { description: 'The enterprise.' }) input: RegisterEnterpriseInput, @Ctx() ctx: RequestContext): Promise<Enterprise> {
    return PartnerService.registerEnterprise(ctx, input);
  }
}

// District STAFF register their district's partners (the service checks the district is theirs).
export const partnerRegistryPermissions: Permissions = {
  Mutation: { registerSocialOrganisation: partnerRegistrar, registerEnterprise: partnerRegistrar },
};
