import { runSubgraphProcess } from '@cgp/core';
import { pairingSubgraph } from './index';

runSubgraphProcess(pairingSubgraph);
