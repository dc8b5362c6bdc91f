import { defineFeature } from '@cgp/core';
import { CreateVolunteers1732000130000 } from './migration';
import { CommunityVolunteersResolver, VolunteerResolver, volunteerPermissions } from './volunteer.resolver';

/** Individual volunteers, their hours per activity and the points the district's rules give them (issue 14). */
export const volunteers = defineFeature({
  name: 'volunteers',
  resolvers: [VolunteerResolver, CommunityVolunteersResolver],
  permissions: volunteerPermissions,
  migrations: [CreateVolunteers1732000130000],
});
