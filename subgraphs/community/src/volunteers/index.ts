import { CreateVolunteers1732000130000 } from './migration';
import { CommunityVolunteersResolver, VolunteerResolver, volunteerPermissions } from './volunteer.resolver';

/** Individual volunteers, their hours per activity and the points the district's rules give them (issue 14). */
export const volunteers = {
  resolvers: [VolunteerResolver, CommunityVolunteersResolver] as const,
  orphanedTypes: [],
  migrations: [CreateVolunteers1732000130000],
  referenceResolvers: {},
  seed: () => Promise.resolve(),
  permissions: volunteerPermissions,
};
