import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { registryImports, type Permissions, type RequestContext } from '@cgp/core';
import { PartnerImport } from './partner.import';
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
  registerSocialOrganisation(
    @Arg('input', () => RegisterSocialOrganisationInput, { description: 'The organisation.' }) input: RegisterSocialOrganisationInput,
    @Ctx() ctx: RequestContext,
  ): Promise<SocialOrganisation> {
    return PartnerService.registerSocialOrganisation(ctx, input);
  }

  @Mutation(() => Enterprise, {
    description: 'Registers a caring enterprise as a partner of your district (district STAFF), as registerSocialOrganisation does for social organisations.',
  })
  registerEnterprise(
    @Arg('input', () => RegisterEnterpriseInput, { description: 'The enterprise.' }) input: RegisterEnterpriseInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Enterprise> {
    return PartnerService.registerEnterprise(ctx, input);
  }
}

// District STAFF register their district's partners (the service checks the district is theirs).
export const partnerRegistryPermissions: Permissions = {
  Mutation: { registerSocialOrganisation: partnerRegistrar, registerEnterprise: partnerRegistrar },
};

/** The partner registers from files (district STAFF; the import checks the district). */
export const partnerImports = registryImports([
  {
    name: 'importPartners',
    description:
      'Imports the district’s partners from a CSV or Excel file (district STAFF), all or nothing: columns kind (SOCIAL_ORGANISATION or ENTERPRISE), name, credit_code, and field (organisations), employees (enterprises), registered_on.',
    run: (ctx, districtCode, file) => PartnerImport.partners(ctx, districtCode, file),
  },
  {
    name: 'importPairings',
    description:
      'Imports pairings of the district’s communities with its partners from a CSV or Excel file (district STAFF), all or nothing: columns community_code, partner_credit_code, started_on, agreed_until, agreement.',
    run: (ctx, districtCode, file) => PartnerImport.pairings(ctx, districtCode, file),
  },
]);
