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
import { Community } from './community.type';
import { Grid } from './grid.type';
import { GridService } from './grid.service';

export const GridConnection = connectionType(Grid, 'Grid', 'A page of grids, by code.');

@Resolver(() => Grid)
export class GridResolver {
  @Query(() => Grid, { nullable: true, description: 'The grid with this 15-digit code, or null when there is none.' })
  grid(
    @Arg('code', () => String, { description: '15-digit grid code, e.g. 411602001001001.' }) code: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Grid | null> {
    assertUnitCode(code, Tier.GRID);
    return GridService.byCode(ctx, code);
  }

  @Query(() => GridConnection, { description: 'All grids, by code.' })
  grids(@Args(() => UnitListArgs) args: UnitListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Grid>> {
    return GridService.list(ctx, args);
  }

  @FieldResolver(() => Community, { description: 'The community this grid belongs to.' })
  community(@Root() grid: Grid): Community {
    return { code: grid.communityCode };
  }
}

export const gridPermissions: Permissions = {
  Query: { grid: rules.codeArgVisible, grids: rules.unitStaff },
  // id, code, name and tier as a breadcrumb; the rest only inside the caller's subtree.
  Grid: unitTypeRules(),
};

@Resolver(() => Community)
export class CommunityGridsResolver {
  @FieldResolver(() => GridConnection, { description: 'The grids of this community, by code.' })
  grids(@Root() community: Community, @Args(() => UnitListArgs) args: UnitListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Grid>> {
    return GridService.childrenOf(ctx, community.code, args);
  }
}

export const communityGridsPermissions: Permissions = {
  Community: { grids: rules.unitFull },
};
