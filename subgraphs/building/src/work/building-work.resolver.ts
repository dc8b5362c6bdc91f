import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { connectionType, maskPhone, PageArgs, personalField, rules, type ConnectionData, type Permissions, type RequestContext } from '@cgp/core';
import { Building } from '../units/building.type';
import { InstabilityCheckInput, OpinionInput } from './building-work.input';
import { BuildingLeader, GridCase, InstabilityCheck, Opinion } from './building-work.type';
import { BuildingWorkService } from './building-work.service';

export const OpinionConnection = connectionType(Opinion, 'Opinion', 'A page of collected opinions.');
export const InstabilityCheckConnection = connectionType(InstabilityCheck, 'InstabilityCheck', 'A page of instability checks.');
const AUDIT = 'building.personal_data_read';

@Resolver(() => Building)
export class BuildingWorkResolver {
  @FieldResolver(() => BuildingLeader, { nullable: true, description: 'The building leader, if one is elected.' })
  leader(@Root() building: Building, @Ctx() ctx: RequestContext): Promise<BuildingLeader | null> {
    return BuildingWorkService.leader(ctx, building.code);
  }

  @FieldResolver(() => OpinionConnection, { description: 'Opinions collected from the building’s residents.' })
  opinions(@Root() building: Building, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Opinion>> {
    return BuildingWorkService.opinions(ctx, building.code, args);
  }

  @FieldResolver(() => InstabilityCheckConnection, { description: 'Instability-factor checks of the building.' })
  instabilityChecks(@Root() building: Building, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<InstabilityCheck>> {
    return BuildingWorkService.checks(ctx, building.code, args);
  }

  @Mutation(() => Opinion, { description: 'Records opinions collected from residents (the building’s leader).' })
  recordOpinion(@Arg('input', () => OpinionInput) input: OpinionInput, @Ctx() ctx: RequestContext): Promise<Opinion> {
    return BuildingWorkService.recordOpinion(ctx, input);
  }

  @Mutation(() => InstabilityCheck, {
    description: 'Records an instability check (the building’s leader); one that found a problem raises a grid case in the same step.',
  })
  recordInstabilityCheck(@Arg('input', () => InstabilityCheckInput) input: InstabilityCheckInput, @Ctx() ctx: RequestContext): Promise<InstabilityCheck> {
    return BuildingWorkService.recordCheck(ctx, input);
  }
}

export const buildingWorkPermissions: Permissions = {
  // Who may record is checked by the service (the building's own leader); scope by row-level security.
  Mutation: { recordOpinion: rules.unitStaff, recordInstabilityCheck: rules.unitStaff },
  Opinion: { '*': rules.recordInScope },
};

@Resolver(() => InstabilityCheck)
export class InstabilityCheckResolver {
  @FieldResolver(() => GridCase, { nullable: true, description: 'The grid case the check raised, if it found a problem.' })
  case(@Root() check: InstabilityCheck): GridCase | null {
    return check.caseId ? { id: check.caseId } : null;
  }
}

export const instabilityCheckPermissions: Permissions = {
  InstabilityCheck: { '*': rules.recordInScope },
  GridCase: { id: rules.allow },
};

@Resolver(() => BuildingLeader)
export class BuildingLeaderResolver {
  @FieldResolver(() => String)
  name(@Root() leader: BuildingLeader, @Ctx() ctx: RequestContext): string {
    return personalField(
      ctx,
      AUDIT,
      { recordType: 'BuildingLeader', recordId: leader.buildingCode, field: 'name', path: leader.path },
      leader.name,
      (v) => v && `${v.slice(0, 1)}*`,
    ) as string;
  }

  @FieldResolver(() => String, { nullable: true })
  phone(@Root() leader: BuildingLeader, @Ctx() ctx: RequestContext): string | null {
    return personalField(
      ctx,
      AUDIT,
      { recordType: 'BuildingLeader', recordId: leader.buildingCode, field: 'phone', path: leader.path },
      leader.phone,
      maskPhone,
    );
  }
}

export const buildingLeaderPermissions: Permissions = {
  BuildingLeader: { '*': rules.recordInScope },
};
