import { rule } from 'graphql-shield';
import { Access, accessToPath, forbidden, type RequestContext } from '@cgp/core';
import type { Appointment } from './appointment.type';

/** An appointment record: staff whose subtree holds its unit. */
export const appointmentVisible = rule('appointmentVisible', { cache: 'no_cache' })((a: Appointment, _args, ctx: RequestContext) =>
  accessToPath(ctx.identity, a.path) === Access.FULL ? true : forbidden(),
);
