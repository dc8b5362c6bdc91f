import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { connectionType, registryImports, rules, type ConnectionData, type Permissions, type RequestContext } from '@cgp/core';
import { importAppointments } from './appointment.import';
import { Building } from '../units/building.type';
import { Community } from '../units/community.type';
import { District } from '../units/district.type';
import { Grid } from '../units/grid.type';
import { Street } from '../units/street.type';
import { AppointmentsArgs, AppointStaffInput, EndAppointmentArgs } from './appointment.input';
import { appointmentVisible } from './appointment.rules';
import { AppointmentService } from './appointment.service';
import { Appointment } from './appointment.type';

export const AppointmentConnection = connectionType(Appointment, 'Appointment', 'A page of appointments, by unit.');

@Resolver(() => Appointment)
export class AppointmentResolver {
  @Query(() => AppointmentConnection, {
    description: 'Appointments at a unit of your subtree and the units below it: those current on a day (today by default), or the whole history.',
  })
  appointments(@Args(() => AppointmentsArgs) args: AppointmentsArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<Appointment>> {
    return AppointmentService.list(ctx, args);
  }

  @Mutation(() => Appointment, {
    description:
      'Appoints a person (by their identity provider `sub`) in roles at a unit below yours (STAFF; district STAFF also at their district). From its first day their tokens for that unit and those roles are accepted; tokens claiming more are refused.',
  })
  appointStaff(
    @Arg('input', () => AppointStaffInput, { description: 'The appointment.' }) input: AppointStaffInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Appointment> {
    return AppointmentService.appoint(ctx, input);
  }

  @Mutation(() => Appointment, {
    description: 'Ends an appointment (STAFF of the tier above); ended today, the person’s tokens for it are refused from today (within seconds).',
  })
  endAppointment(@Args(() => EndAppointmentArgs) args: EndAppointmentArgs, @Ctx() ctx: RequestContext): Promise<Appointment> {
    return AppointmentService.end(ctx, args);
  }
}

/** One field per unit type listing the unit's current appointments. */
function currentAppointments(ctx: RequestContext, unit: { code: string }): Promise<Appointment[]> {
  return AppointmentService.currentAt(ctx, unit.code);
}

@Resolver(() => District)
export class DistrictAppointmentsResolver {
  @FieldResolver(() => [Appointment], { description: 'The district’s own staff appointed today (not those of the units below it).' })
  appointments(@Root() unit: District, @Ctx() ctx: RequestContext): Promise<Appointment[]> {
    return currentAppointments(ctx, unit);
  }
}

@Resolver(() => Street)
export class StreetAppointmentsResolver {
  @FieldResolver(() => [Appointment], { description: 'The street office’s staff appointed today.' })
  appointments(@Root() unit: Street, @Ctx() ctx: RequestContext): Promise<Appointment[]> {
    return currentAppointments(ctx, unit);
  }
}

@Resolver(() => Community)
export class CommunityAppointmentsResolver {
  @FieldResolver(() => [Appointment], { description: 'The community’s staff appointed today (its `staff` count is the profile’s figure).' })
  appointments(@Root() unit: Community, @Ctx() ctx: RequestContext): Promise<Appointment[]> {
    return currentAppointments(ctx, unit);
  }
}

@Resolver(() => Grid)
export class GridStaffResolver {
  @FieldResolver(() => [Appointment], { description: 'The grid’s staff today: "one grid, three staff" (grid manager, supervisor, co-manager).' })
  staff(@Root() unit: Grid, @Ctx() ctx: RequestContext): Promise<Appointment[]> {
    return currentAppointments(ctx, unit);
  }
}

@Resolver(() => Building)
export class BuildingLeadersResolver {
  @FieldResolver(() => [Appointment], {
    description: 'Who holds the BUILDING_LEADER appointment today (what lets them sign in); `leader` is the elected leader’s contact record.',
  })
  leaders(@Root() unit: Building, @Ctx() ctx: RequestContext): Promise<Appointment[]> {
    return currentAppointments(ctx, unit);
  }
}

// STAFF of the tier above make and end appointments (the service checks the subtree and tier); staff of a subtree read them.
export const appointmentPermissions: Permissions = {
  Query: { appointments: rules.unitStaff },
  Mutation: { appointStaff: rules.unitStaff, endAppointment: rules.unitStaff },
  Appointment: { '*': appointmentVisible },
  District: { appointments: rules.unitFull },
  Street: { appointments: rules.unitFull },
  Community: { appointments: rules.unitFull },
  Grid: { staff: rules.unitFull },
  Building: { leaders: rules.unitFull },
};

/** The staff register from a file (district STAFF; the import checks the district). */
export const appointmentImports = registryImports([
  {
    name: 'importAppointments',
    description:
      'Imports a district’s appointments at every tier from a CSV or Excel file (district STAFF), all or nothing: columns sub, person_name, unit_code, roles (separated by ;), starts_on.',
    run: importAppointments,
  },
]);
