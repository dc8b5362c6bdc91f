export * from './client';
export * from './district';
export * from './generated/graphql';
