/**
 * `npm run scale -- [--nodes 3] [--base-port 41750] [--data edge-data/scale]`: 3 edge nodes behind
 * nginx (round robin) with the shared L3 blob store on nginx, until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { startCluster } from './cluster';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '3' }, 'base-port': { type: 'string', default: '41750' }, data: { type: 'string', default: 'edge-data/scale' } } });
const cluster = await startCluster({ root: values.data!, basePort: Number(values['base-port']), nodes: Number(values.nodes) });
console.log(`balancer ${cluster.balancerUrl} → ${cluster.nodes.map((n) => n.url).join(', ')}; L3 store ${cluster.storeUrl}/blobs/<sha256>`);
const stop = async () => {
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
