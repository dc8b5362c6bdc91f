import { defineFeature } from '@cgp/core';
import {
  appointmentImports,
  AppointmentResolver,
  appointmentPermissions,
  BuildingLeadersResolver,
  CommunityAppointmentsResolver,
  DistrictAppointmentsResolver,
  GridStaffResolver,
  StreetAppointmentsResolver,
} from './appointment.resolver';
import { appointmentRoutes } from './appointment.routes';
import { seedAppointments } from './appointment.seed';
import { CreateAppointments1732000100000 } from './migrations/1732000100000-create-appointments';

/** Staff appointments at every tier: made and ended by the tier above; the services' appointment check (POST /appointments/check). */
export const appointments = defineFeature({
  name: 'appointments',
  resolvers: [
    AppointmentResolver,
    DistrictAppointmentsResolver,
    StreetAppointmentsResolver,
    CommunityAppointmentsResolver,
    GridStaffResolver,
    BuildingLeadersResolver,
    ...appointmentImports.resolvers,
  ],
  permissions: [appointmentPermissions, appointmentImports.permissions],
  migrations: [CreateAppointments1732000100000],
  seed: seedAppointments,
  routes: appointmentRoutes,
});
