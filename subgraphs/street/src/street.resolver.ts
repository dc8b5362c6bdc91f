import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { assertUnitCode, connectionType, PageArgs, Tier, type ConnectionData, type RequestContext } from '@cgp/core';
import { District, Street } from './street.entity';
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
  streets(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Street>> {
    return StreetService.list(ctx, args);
  }

  @FieldResolver(() => District, { description: 'The district this street office belongs to.' })
  district(@Root() street: Street): District {
    return { code: street.districtCode };
  }
}

@Resolver(() => District)
export class DistrictStreetsResolver {
  @FieldResolver(() => StreetConnection, { description: 'The street offices of this district, by code.' })
  streets(@Root() district: District, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Street>> {
    return StreetService.childrenOf(ctx, district.code, args);
  }
}

export const streetReferenceResolvers = {
  Street: {
    __resolveReference: (reference: { id?: string; code?: string }, ctx: RequestContext) => StreetService.byReference(ctx, reference),
  },
};
