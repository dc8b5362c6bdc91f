import { insertRows, type Queryable } from '@cgp/core';
import { demoAppointments, type AppointmentSeed, type DemoDataset } from '@cgp/demo-data';

/** The demo's appointments: a person per role at every unit, and the named people of the development sign-in page. */
export async function seedAppointments(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<AppointmentSeed>(
    db,
    'district.appointment',
    {
      id: (r) => r.id,
      sub: (r) => r.sub,
      person_name: (r) => r.personName,
      tier: (r) => r.tier,
      unit_code: (r) => r.unitCode,
      path: (r) => r.path,
      roles: (r) => r.roles,
      started_on: (r) => r.startedOn,
      appointed_by: () => 'demo-data',
    },
    demoAppointments(data),
  );
  await db.query(`ANALYZE district.appointment`);
}
