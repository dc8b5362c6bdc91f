/** Refusing one operation before it runs lives in core: the operation limits refuse the same way (packages/core/src/refusal.ts). */
export { isRefused, refusalPlugin, refuseOperation } from '@cgp/core';
