import { setting, type Env } from '../config';
import { defaultTextMapGetter, isSpanContextValid, ROOT_CONTEXT, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * OpenTelemetry tracing of one service (the gateway or a subgraph). On when OTEL_EXPORTER_OTLP_ENDPOINT
 * (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: spans are batched and exported by OTLP over HTTP. Off
 * otherwise: a no-op tracer, which still passes on a traceparent the service received.
 *
 * Each service has its own provider (not the global one), so the seven subgraphs and the gateway can
 * share one process in tests and still report as separate services; contexts are passed explicitly.
 */
export interface Tracing {
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** The trace context a request's headers carry (W3C traceparent/tracestate), else the root context. */
  extract(headers: Record<string, string | string[] | undefined>): Context;
  /** Writes the W3C traceparent/tracestate of `context` through `set`. */
  inject(context: Context, set: (name: string, value: string) => void): void;
  /** Sends the spans still buffered and stops exporting. */
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();

/** The OTLP/HTTP traces URL from the standard environment variables, if tracing is configured. */
export function otlpTracesUrl(env?: Env): string | undefined {
  if (setting('OTEL_SDK_DISABLED', env) === 'true') return undefined;
  const traces = setting('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', env);
  if (traces) return traces;
  const base = setting('OTEL_EXPORTER_OTLP_ENDPOINT', env);
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

export function createTracing(service: string, env?: Env): Tracing {
  const url = otlpTracesUrl(env);
  let provider: BasicTracerProvider | undefined;
  let tracer: Tracer;
  if (url) {
    provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': `cgp-${service}`, 'service.namespace': 'cgp' }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
    });
    tracer = provider.getTracer('cgp');
  } else {
    tracer = trace.getTracer('cgp');
  }
  return {
    enabled: Boolean(provider),
    tracer,
    extract: (headers) => propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter),
    inject: (context, set) => propagator.inject(context, {}, { set: (_carrier, key, value) => set(key, value) }),
    async shutdown() {
      await provider?.shutdown().catch(() => undefined);
    },
  };
}

/** The trace id of a span, when it belongs to a real trace. */
export function traceIdOf(span: Span | undefined): string | undefined {
  const sc = span?.spanContext();
  return sc && isSpanContextValid(sc) ? sc.traceId : undefined;
}

/** The W3C traceparent (and tracestate) headers of a trace context, for a call made on a request's behalf. */
export function createTracingHeaders(context: Context | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (context) propagator.inject(context, headers, { set: (carrier, key, value) => ((carrier as Record<string, string>)[key] = value) });
  return headers;
}
