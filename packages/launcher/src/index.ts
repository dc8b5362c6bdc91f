export * from './embedded-database';
export * from './processes';
export { onboard, ONBOARDING_KINDS } from './onboard';
