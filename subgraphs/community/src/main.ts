import { runSubgraphProcess } from '@cgp/core';
import { communitySubgraph } from './index';

runSubgraphProcess(communitySubgraph);
