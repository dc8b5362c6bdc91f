import { runSubgraphProcess } from '@cgp/core';
import { buildingSubgraph } from './index';

runSubgraphProcess(buildingSubgraph);
