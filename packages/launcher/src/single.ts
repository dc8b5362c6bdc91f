import { servicePort, setting, startSubgraph, type InProcessSubgraph, type StartedSubgraph, type SubgraphDefinition, type SubgraphName } from '@cgp/core';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { startGateway, type RunningGateway } from '@cgp/gateway';

/** The platform in one process (TOPOLOGY=single). */
export interface SingleProcessPlatform {
  gateway: RunningGateway;
  subgraphs: StartedSubgraph[];
  /** Stops the gateway (draining its requests), then the subgraphs (theirs, their workers and pools). */
  stop(): Promise<void>;
}

/** A start-up failure of one service of the process, with the service named (for its one-line message). */
export class ServiceStartFailure extends Error {
  constructor(
    readonly service: SubgraphName | 'gateway',
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Starts the seven subgraphs and the gateway in this process, from the environment as their own
 * processes read it (`<NAME>_PORT`, `<NAME>_METRICS_PORT`, `<NAME>_URL`, DATABASE_URL…): each subgraph
 * keeps its schema, its database schema and pool, its authorization and its own port (reached directly,
 * it verifies and limits as ever), and the gateway calls each one's request handler in-process with
 * the caller it verified instead of over HTTP. The gateway still plans by the committed supergraph.
 */
export async function startSingleProcess(defs: readonly SubgraphDefinition[] = SUBGRAPHS): Promise<SingleProcessPlatform> {
  const subgraphs: StartedSubgraph[] = [];
  const stopAll = async (gateway?: RunningGateway) => {
    await gateway?.stop();
    await Promise.all(subgraphs.map((s) => s.stop()));
  };
  try {
    // Each subgraph calls the others on a caller's behalf through their handlers too (filled once all have started).
    const inProcessPeers: Record<string, InProcessSubgraph> = {};
    const settled = await Promise.allSettled(
      defs.map((def) => startSubgraph(def, { inProcessPeers }).catch((error: unknown) => Promise.reject(new ServiceStartFailure(def.name, error)))),
    );
    for (const result of settled) if (result.status === 'fulfilled') subgraphs.push(result.value);
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    for (const s of subgraphs) inProcessPeers[s.name] = s.inProcess;
    const gateway = await startGateway({
      port: servicePort('gateway'),
      host: setting('HOST'),
      inProcessSubgraphs: Object.fromEntries(subgraphs.map((s) => [s.name, s.inProcess])),
    }).catch((error: unknown) => Promise.reject(new ServiceStartFailure('gateway', error)));
    return { gateway, subgraphs, stop: () => stopAll(gateway) };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}
