import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import {
  assertUnitCode,
  connectionType,
  UnitListArgs,
  rules,
  Tier,
  unitTypeRules,
  type ConnectionData,
  type Permissions,
  type RequestContext,
} from '@cgp/core';
import { District } from './district.type';
import { Street } from './street.type';
import { StreetService } from './street.service';

export const StreetConnection = connectionType(Street, 'Street', 'A page of street offices, by code.');

@Resolver(() => Street)
export class StreetResolver {
  @Query(() => Street, { nullable: true, description: 'The street office with this 9-digit code, or null when there is none.' })
  street(@Arg('code', () => String, { description: '9-digit street code, e.g. 411602001.' }) code: string, @Ctx() ctx: RequestContext): Promise<Street | null> {
    assertUnitCode(code, Tier.STREET);
    return StreetService.byCode(ctx, code);
  }

  @Query(() => StreetConnection, { description: 'All street offices, by code.' })
  streets(@Args(() => UnitListArgs) args: UnitListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Street>> {
    return StreetService.list(ctx, args);
  }

  @FieldResolver(() => District, { description: 'The district this street office belongs to.' })
  district(@Root() street: Street): District {
    return { code: street.districtCode };
  }
}

export const streetPermissions: Permissions = {
  Query: { street: rules.codeArgVisible, streets: rules.unitStaff },
  // id, code, name and tier as a breadcrumb; the rest (district) only inside the caller's subtree.
  Street: unitTypeRules(),
};

@Resolver(() => District)
export class DistrictStreetsResolver {
  @FieldResolver(() => StreetConnection, { description: 'The street offices of this district, by code.' })
  streets(@Root() district: District, @Args(() => UnitListArgs) args: UnitListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Street>> {
    return StreetService.childrenOf(ctx, district.code, args);
  }
}

export const districtStreetsPermissions: Permissions = {
  District: { streets: rules.unitFull },
};
