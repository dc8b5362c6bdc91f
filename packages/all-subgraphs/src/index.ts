export * from './subgraphs';
export * from './sdl';
