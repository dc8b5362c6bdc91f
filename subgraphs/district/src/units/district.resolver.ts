import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import {
  assertUnitCode,
  connectionType,
  UnitListArgs,
  rules,
  Tier,
  UNIT_TYPENAMES,
  unitTypeRules,
  type ConnectionData,
  type Permissions,
  type RequestContext,
} from '@cgp/core';
import { District } from './district.type';
import { DistrictService } from './district.service';
import { unitTypes } from './unit.union';

export const DistrictConnection = connectionType(District, 'District', 'A page of districts.');

@Resolver(() => District)
export class DistrictResolver {
  @Query(() => District, { nullable: true, description: 'The district with this 6-digit code, or null when there is none.' })
  district(
    @Arg('code', () => String, { description: '6-digit district code, e.g. 411602.' }) code: string,
    @Ctx() ctx: RequestContext,
  ): Promise<District | null> {
    assertUnitCode(code, Tier.DISTRICT);
    return DistrictService.byCode(ctx, code);
  }

  @Query(() => DistrictConnection, { description: 'All districts, by code.' })
  districts(@Args(() => UnitListArgs) args: UnitListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<District>> {
    return DistrictService.list(ctx, args);
  }

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

export const districtPermissions: Permissions = {
  Query: { district: rules.codeArgVisible, districts: rules.unitStaff, unit: rules.codeArgVisible },
  // id, code, name and tier as a breadcrumb; the rest only inside the caller's subtree.
  District: unitTypeRules(),
};
