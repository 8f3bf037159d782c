import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginx, type NginxProcess } from '../../../scripts/scale/nginx-process';
import { EDGE_HEADERS } from '../../../src/core/isolation';
import { startBlobServer, type BlobServer } from '../../../src/edge/blob-server';
import { startEdgeNode, type EdgeNode } from '../../../src/edge/edge-node';
import { createAura, type Aura } from '../../../src/runtime/create-aura';

/** Ports of this test's nginx (5310-5319 is the range of the work that added it; override when they clash). */
const PORT = Number(process.env.AURA_ISOLATION_TEST_PORT ?? 5311);

const isolated = (response: Response) => Object.fromEntries(Object.keys(EDGE_HEADERS).map((name) => [name, response.headers.get(name)]));

/**
 * Every answer of the edge is sent cross-origin isolated (COOP same-origin, COEP require-corp) with a
 * resource policy that lets an isolated page on another origin read it: the node's HTTP server, its
 * blob server, and nginx both as the blob store and as the balancer in front of the nodes.
 */
describe('the edge sends the cross-origin isolation headers', () => {
  let aura: Aura;
  let node: EdgeNode;
  let blobs: BlobServer;
  let nginx: NginxProcess;
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'aura-isolation-'));
    aura = await createAura({ backend: 'cpu', planStore: false, services: ['lnn'] });
    node = await startEdgeNode({ aura, port: 0 });
    blobs = await startBlobServer({ dir: join(root, 'blobs') });
    nginx = await startNginx({
      prefix: root,
      blobStore: { listen: `127.0.0.1:${PORT}`, root: join(root, 'nginx-blobs'), verify: 'dav' },
      balancer: { listen: `127.0.0.1:${PORT + 1}`, upstreams: [new URL(node.url).host] },
    });
  });
  afterAll(async () => {
    await nginx?.stop();
    await blobs?.close();
    await node?.close();
    await aura?.destroy();
    await rm(root, { recursive: true, force: true });
  });

  it('on the node, its blobs, and nginx', async () => {
    const absent = `/blobs/${'0'.repeat(64)}`;
    const answers = {
      'node /health': await fetch(`${node.url}/health`),
      'node 404': await fetch(`${node.url}/nowhere`),
      'blob server 404': await fetch(`${blobs.url}${absent}`),
      'nginx blob store 404': await fetch(`http://127.0.0.1:${PORT}${absent}`),
      'nginx balancer /health': await fetch(`http://127.0.0.1:${PORT + 1}/health`),
    };
    for (const [where, response] of Object.entries(answers)) expect(isolated(response), where).toEqual(EDGE_HEADERS);
    // nginx sends each header once, not the node's copy beside its own.
    expect(answers['nginx balancer /health'].headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(answers['nginx balancer /health'].status).toBe(200);
  });
});
