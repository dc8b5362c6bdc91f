export * from './embedded-database';
export * from './processes';
