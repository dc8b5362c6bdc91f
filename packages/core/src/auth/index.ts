export * from './identity';
export * from './verify';
export * from './token';
export * from './scope';
export * from './permissions';
export * from './throttle';
export * from './key-check';
export * from './appointment-check';
