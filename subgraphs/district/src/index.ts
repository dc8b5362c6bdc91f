import 'reflect-metadata';
import { defineSubgraph } from '@cgp/core';
// The order of the imports is the order of the Query fields in the schema (as published): assessments, callers, units, appointments.
import { assessments } from './assessments';
import { callers } from './callers';
import { units } from './units';
import { appointments } from './appointments';

export const districtSubgraph = defineSubgraph({ name: 'district', features: [units, callers, assessments, appointments] });
