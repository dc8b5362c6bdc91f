import { runSubgraphProcess } from '@cgp/core';
import { streetSubgraph } from './index';

runSubgraphProcess(streetSubgraph);
