import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEdgeArgs } from '../../../src/edge/edge-args';
import { startEdgeProcess } from '../../../scripts/scale/edge-process';

describe('edge node arguments', () => {
  it('keeps blobs and plans under --data (default edge-data/)', () => {
    const defaults = parseEdgeArgs([], {});
    expect(defaults).toMatchObject({ dataDir: 'edge-data', blobDir: join('edge-data', 'blobs'), planFile: join('edge-data', 'backend-plans.json'), port: 8787, signalingPort: 8788 });
    const custom = parseEdgeArgs(['--data', '/srv/aura', '--signaling-port', 'off'], {});
    expect(custom).toMatchObject({ blobDir: '/srv/aura/blobs', planFile: '/srv/aura/backend-plans.json', signalingPort: undefined });
    expect(parseEdgeArgs(['--blobs', '/b', '--remote', 'http://127.0.0.1:1'], { AURA_BLOB_TOKEN: 't' })).toMatchObject({ blobDir: '/b', blobToken: 't', remote: 'http://127.0.0.1:1' });
  });

  it('refuses a bad flag value by name', () => {
    expect(() => parseEdgeArgs(['--port', 'x'])).toThrow(/--port is 'x'/);
    expect(() => parseEdgeArgs(['--backend', 'tpu'])).toThrow(/--backend/);
    expect(() => parseEdgeArgs(['--services', 'lnn,telepathy'])).toThrow(/'telepathy'/);
    expect(() => parseEdgeArgs(['--remote', 'ftp://x'])).toThrow(/--remote/);
  });
});

describe('npm run edge, first start in new folders', () => {
  const root = mkdtempSync(join(tmpdir(), 'aura-edge-first-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // The crash this guards: the plan store wrote edge-data/backend-plans.json into a folder nobody made.
  it('starts with --data and --blobs outside edge-data/ and writes its plans and memory database there', async () => {
    const data = join(root, 'node-a');
    const node = await startEdgeProcess(41720, ['--data', data, '--blobs', join(root, 'elsewhere', 'blobs'), '--backend', 'auto', '--services', 'lnn,neuromorphic,memory']);
    try {
      const health = await (await fetch(`${node.url}/health`)).json();
      expect(health.status).toBe('ok');
      expect(existsSync(join(root, 'elsewhere', 'blobs'))).toBe(true);
      const plans = JSON.parse(readFileSync(join(data, 'backend-plans.json'), 'utf8'));
      expect(Object.keys(plans).length).toBeGreaterThan(0);
      expect(node.log()).toContain('opening the memory tiers');
      expect(existsSync(join(data, 'memory-default'))).toBe(true);
    } finally {
      await node.stop();
    }
  });
});
