/** The operation limits live in core: the gateway and every subgraph apply the same ones (packages/core/src/limits.ts). */
export { ASSUMED_LIST_SIZE, DEFAULT_PAGE_SIZE, limitsFromEnvironment, operationCost, operationLimitOptions, type OperationLimits } from '@cgp/core';
