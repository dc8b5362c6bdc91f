import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import type { Identity, RequestScope } from '@cgp/core';

export interface GatewayContext {
  requestId: string;
  authorization?: string;
  identity: Identity;
  /** The HTTP request's ids and trace context. */
  requestScope?: RequestScope;
}

/** The gateway's context of a fetch: an incoming operation's; health checks and schema loads carry none. */
export function gatewayContextOf(options: GraphQLDataSourceProcessOptions<GatewayContext>): Partial<GatewayContext> {
  return options.kind === GraphQLDataSourceRequestKind.INCOMING_OPERATION ? options.context : {};
}
