import { and } from 'graphql-shield';
import { rules } from '@cgp/core';

/** A party-life record (report, log, meeting, attendance, post): unit staff, and the record inside their subtree. */
export const staffRecord = and(rules.unitStaff, rules.recordInScope);
