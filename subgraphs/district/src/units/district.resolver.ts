import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { assertUnitCode, rules, Tier, UNIT_TYPENAMES, unitResolvers, type Permissions, type RequestContext } from '@cgp/core';
import { District } from './district.type';
import { DistrictService } from './district.service';
import { unitTypes } from './unit.union';

/** Query.district and Query.districts with their rules (core's unitResolvers); a district has no parent. */
export const districtQueries = unitResolvers({
  type: District,
  tier: Tier.DISTRICT,
  field: 'district',
  listField: 'districts',
  label: 'district',
  plural: 'districts',
  store: DistrictService,
});

@Resolver()
export class UnitResolver {
  @Query(() => unitTypes.Unit, {
    nullable: true,
    description:
      'The unit of whatever tier this code names (the tier follows from the code length: 6 district, 9 street, 12 community, 15 grid, 18 building), or null when there is none.',
  })
  async unit(@Arg('code', () => String, { description: 'A unit code of any tier.' }) code: string, @Ctx() ctx: RequestContext): Promise<unknown> {
    const tier = assertUnitCode(code);
    if (tier === Tier.DISTRICT) {
      const district = await DistrictService.byCode(ctx, code);
      return district && { ...district, __typename: 'District' };
    }
    return { __typename: UNIT_TYPENAMES[tier], code };
  }
}

export const unitPermissions: Permissions = {
  Query: { unit: rules.codeArgVisible },
};
