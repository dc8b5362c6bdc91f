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
import { Building } from './building.type';
import { Grid } from './grid.type';
import { BuildingService } from './building.service';

export const BuildingConnection = connectionType(Building, 'Building', 'A page of buildings, by code.');

@Resolver(() => Building)
export class BuildingResolver {
  @Query(() => Building, { nullable: true, description: 'The building with this 18-digit code, or null when there is none.' })
  building(
    @Arg('code', () => String, { description: '18-digit building code, e.g. 411602001001001001.' }) code: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Building | null> {
    assertUnitCode(code, Tier.BUILDING);
    return BuildingService.byCode(ctx, code);
  }

  @Query(() => BuildingConnection, { description: 'All buildings, by code.' })
  buildings(@Args(() => UnitListArgs) args: UnitListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Building>> {
    return BuildingService.list(ctx, args);
  }

  @FieldResolver(() => Grid, { description: 'The grid this building belongs to.' })
  grid(@Root() building: Building): Grid {
    return { code: building.gridCode };
  }
}

export const buildingPermissions: Permissions = {
  Query: { building: rules.codeArgVisible, buildings: rules.unitStaff },
  // id, code, name and tier as a breadcrumb; the rest only inside the caller's subtree.
  Building: unitTypeRules(),
};

@Resolver(() => Grid)
export class GridBuildingsResolver {
  @FieldResolver(() => BuildingConnection, { description: 'The buildings of this grid, by code.' })
  buildings(@Root() grid: Grid, @Args(() => UnitListArgs) args: UnitListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Building>> {
    return BuildingService.childrenOf(ctx, grid.code, args);
  }
}

export const gridBuildingsPermissions: Permissions = {
  Grid: { buildings: rules.unitFull },
};
