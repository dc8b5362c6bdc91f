import { runSubgraphProcess } from '@cgp/core';
import { partySubgraph } from './index';

runSubgraphProcess(partySubgraph);
