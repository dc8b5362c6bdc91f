import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext, GraphQLRequestListener } from '@apollo/server';
import { SpanStatusCode } from '@opentelemetry/api';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger';
import type { ServiceMetrics } from './metrics';
import { scopeLogFields, type RequestScope } from './request-scope';
import { errorKind, markErrorLogged } from '../error-kind';

/** The errors a response carries, as formatted for the caller (their codes are final). */
export function responseErrors(rc: GraphQLRequestContext<BaseContext>): readonly GraphQLFormattedError[] {
  const body = rc.response.body;
  if (!body) return [];
  return (body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors) ?? [];
}

/**
 * Per request: counts it and its errors and times it in the service's metrics (by operation name),
 * names its server span after the operation, and writes one log line (operation, type, duration, error
 * codes; the request id and trace id come with every line). Never logs variables or results.
 */
export interface ObservabilityPlugin<TContext extends BaseContext> extends ApolloServerPlugin<TContext> {
  requestDidStart(rc: GraphQLRequestContext<TContext>): Promise<GraphQLRequestListener<TContext>>;
}

export function observabilityPlugin<TContext extends BaseContext>(metrics: ServiceMetrics, logger: Logger): ObservabilityPlugin<TContext> {
  return {
    async requestDidStart(start) {
      const started = process.hrtime.bigint();
      const scope = (start.contextValue as { requestScope?: RequestScope } | undefined)?.requestScope;
      const fields = scopeLogFields(scope);
      let operation = metrics.operationLabel(start.request.operationName);
      let type = 'unknown';
      return {
        async didResolveOperation(rc) {
          operation = metrics.operationLabel(rc.operationName);
          type = rc.operation?.operation ?? 'unknown';
          scope?.span?.updateName(`${type} ${operation}`);
          scope?.span?.setAttributes({ 'graphql.operation.name': operation, 'graphql.operation.type': type });
        },
        // Failures are logged here, where the request's ids are known; callers only see their masked form.
        async didEncounterErrors(rc) {
          for (const error of rc.errors) {
            const original = (error as { originalError?: unknown }).originalError ?? error;
            const kind = errorKind(error.extensions?.code as string | undefined, error);
            if (kind === 'database') logger.warn({ ...fields, err: original, path: error.path }, 'database unavailable');
            else if (kind === 'unexpected') logger.error({ ...fields, err: original, path: error.path }, 'unexpected error');
            markErrorLogged(error);
          }
        },
        async willSendResponse(rc) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const codes = responseErrors(rc).map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR'));
          metrics.requests.inc({ operation, type });
          metrics.duration.observe({ operation, type }, seconds);
          for (const code of codes) metrics.errors.inc({ operation, code });
          if (codes.length) {
            scope?.span?.setAttribute('graphql.error.codes', [...new Set(codes)]);
            scope?.span?.setStatus({ code: SpanStatusCode.ERROR, message: codes[0] });
          }
          logger.info({ ...fields, operation, type, durationMs: Math.round(seconds * 1000), ...(codes.length ? { errors: codes } : {}) }, 'graphql request');
        },
      };
    },
  };
}
