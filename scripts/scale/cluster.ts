import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startEdgeProcess, type EdgeProcess } from './edge-process';
import { startNginx, type NginxProcess } from './nginx-process';

export interface ClusterOptions {
  /** Folder for every node's --data, nginx's files and the shared blobs. */
  root: string;
  /** Ports: store = base, balancer = base + 1, node i = base + 2 + i. */
  basePort: number;
  nodes?: number;
  /** --services of each node (default: the LNN, the SNN, memory (LMDB, L3 on the shared store) and the local consensus group: quick to start on a CPU). */
  services?: string;
  /** Token of blob uploads, for the nodes and the store. */
  blobToken?: string;
  /** More flags for node i (e.g. --nats, --redis). */
  nodeArgs?: (i: number) => string[];
}

export interface Cluster {
  balancerUrl: string;
  /** The shared L3 store (nginx), serving /blobs/<sha256>. */
  storeUrl: string;
  nodes: EdgeProcess[];
  nginx: NginxProcess;
  stop(): Promise<void>;
}

export const DEFAULT_SCALE_SERVICES = 'lnn,neuromorphic,memory,consensus';

/**
 * One service from several edge nodes: nginx balances round robin over N nodes (each its own
 * process and --data folder) and serves the blob store they share as L3.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const count = options.nodes ?? 3;
  const token = options.blobToken ?? 'scale-blob-token';
  const storePort = options.basePort;
  const balancerPort = options.basePort + 1;
  const nodePorts = Array.from({ length: count }, (_, i) => options.basePort + 2 + i);
  mkdirSync(options.root, { recursive: true });
  const nodes: EdgeProcess[] = [];
  let nginx: NginxProcess | undefined;
  try {
    nginx = await startNginx({
      prefix: join(options.root, 'nginx'),
      blobStore: { listen: `127.0.0.1:${storePort}`, root: join(options.root, 'shared-blobs'), token, verify: 'njs' },
      balancer: { listen: `127.0.0.1:${balancerPort}`, upstreams: nodePorts.map((p) => `127.0.0.1:${p}`) },
    });
    const storeUrl = `http://127.0.0.1:${storePort}`;
    // Started one after another: on two cores, parallel starts only slow each other down.
    for (const [i, port] of nodePorts.entries()) {
      nodes.push(
        await startEdgeProcess(port, ['--data', join(options.root, `node-${i}`), '--backend', 'cpu', '--services', options.services ?? DEFAULT_SCALE_SERVICES, '--remote', storeUrl, ...(options.nodeArgs?.(i) ?? [])], {
          env: { AURA_BLOB_TOKEN: token, AURA_REVISION: `node-${i}` },
        }),
      );
    }
    return {
      balancerUrl: `http://127.0.0.1:${balancerPort}`,
      storeUrl,
      nodes,
      nginx,
      async stop() {
        await Promise.all(nodes.map((n) => n.stop()));
        await nginx!.stop();
      },
    };
  } catch (error) {
    await Promise.all(nodes.map((n) => n.stop()));
    await nginx?.stop();
    throw error;
  }
}
