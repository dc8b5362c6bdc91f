import { runSubgraphProcess } from '@cgp/core';
import { districtSubgraph } from './index';

runSubgraphProcess(districtSubgraph);
