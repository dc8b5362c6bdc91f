import 'reflect-metadata';

export * from './tier';
export * from './errors';
export * from './environment';
export * from './logger';
export * from './database';
export * from './context';
export * from './pagination';
export * from './subgraph';
export * from './http';
export * from './service';
export * from './unit-store';
export * from './platform';
export * from './auth';
export * from './rls';
export * from './personal-data';
export * from './audit.resolver';
export * from './peer';
