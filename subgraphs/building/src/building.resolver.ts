import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { assertUnitCode, connectionType, PageArgs, Tier, type ConnectionData, type RequestContext } from '@cgp/core';
import { Building, Grid } from './building.entity';
import { BuildingService } from './building.service';

export const BuildingConnection = connectionType(Building, 'Building', 'A page of buildings, by code.');

@Resolver(() => Building)
export class BuildingResolver {
  @Query(() => Building, { nullable: true, description: 'The building with this 18-digit code, or null when there is none.' })
  building(@Arg('code', () => String, { description: '18-digit building code, e.g. 411602001001001001.' }) code: string, @Ctx() ctx: RequestContext): Promise<Building | null> {
    assertUnitCode(code, Tier.BUILDING);
    return BuildingService.byCode(ctx, code);
  }

  @Query(() => BuildingConnection, { description: 'All buildings, by code.' })
  buildings(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Building>> {
    return BuildingService.list(ctx, args);
  }

  @FieldResolver(() => Grid, { description: 'The grid this building belongs to.' })
  grid(@Root() building: Building): Grid {
    return { code: building.gridCode };
  }
}

@Resolver(() => Grid)
export class GridBuildingsResolver {
  @FieldResolver(() => BuildingConnection, { description: 'The buildings of this grid, by code.' })
  buildings(@Root() grid: Grid, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Building>> {
    return BuildingService.childrenOf(ctx, grid.code, args);
  }
}

export const buildingReferenceResolvers = {
  Building: {
    __resolveReference: (reference: { id?: string; code?: string }, ctx: RequestContext) => BuildingService.byReference(ctx, reference),
  },
};
