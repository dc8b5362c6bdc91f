import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { startupConfig } from '@cgp/core';

/**
 * The peer gateway of the benchmark: Hive Gateway on the same committed supergraph (its subgraph
 * URLs rewritten to the benchmark's subgraphs), forwarding the caller's Authorization header and
 * request id to the subgraphs as our gateway does. HIVE_SUPERGRAPH (file) and PORT from the environment.
 */
const config = startupConfig('bench');
if (!config.HIVE_SUPERGRAPH) throw new Error('HIVE_SUPERGRAPH is not set: the benchmark starts this gateway with the supergraph file it serves');
const supergraph = readFileSync(config.HIVE_SUPERGRAPH, 'utf8');
const gateway = createGatewayRuntime({
  supergraph,
  logging: false,
  graphqlEndpoint: '/graphql',
  healthCheckEndpoint: '/health',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const headers: Record<string, string> = {};
      const authorization = request.headers.get('authorization');
      if (authorization) headers.authorization = authorization;
      const id = request.headers.get('x-request-id');
      if (id) headers['x-request-id'] = id;
      return headers;
    },
  },
});
const server = createServer(gateway);
server.listen(config.PORT ?? 4100, '127.0.0.1');
const stop = () => server.close(() => void Promise.resolve(gateway.dispose()).finally(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
