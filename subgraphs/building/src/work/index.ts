import { defineFeature } from '@cgp/core';
import { buildingWorkFigures } from './building-work.figures';
import {
  BuildingLeaderResolver,
  buildingLeaderPermissions,
  BuildingWorkResolver,
  buildingWorkPermissions,
  InstabilityCheckResolver,
  instabilityCheckPermissions,
} from './building-work.resolver';
import { seedBuildingWork } from './building-work.seed';
import { CreateBuildingWork1732000002000 } from './migrations/1732000002000-create-building-work';
import { BuildingLeaderPathIndex1732000003000 } from './migrations/1732000003000-building-leader-path-index';

/** The building leaders' work (楼栋长): their residents' opinions, instability checks (raising grid cases) and its figures. */
export const work = defineFeature({
  name: 'work',
  resolvers: [BuildingWorkResolver, InstabilityCheckResolver, BuildingLeaderResolver],
  permissions: [buildingWorkPermissions, instabilityCheckPermissions, buildingLeaderPermissions],
  migrations: [CreateBuildingWork1732000002000, BuildingLeaderPathIndex1732000003000],
  seed: seedBuildingWork,
  figures: [buildingWorkFigures],
});
