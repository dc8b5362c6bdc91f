import { runSubgraphProcess } from '@cgp/core';
import { gridSubgraph } from './index';

runSubgraphProcess(gridSubgraph);
