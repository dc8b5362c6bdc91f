import 'reflect-metadata';
import { defineSubgraph } from '@cgp/core';
import { units } from './units';
import { tasks } from './tasks';

export const streetSubgraph = defineSubgraph({ name: 'street', features: [units, tasks] });
