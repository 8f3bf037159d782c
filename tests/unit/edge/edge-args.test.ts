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

  it('makes the node a consensus peer only with --consensus-roster; the key under --data, the relay its own by default', () => {
    expect(parseEdgeArgs([], {}).consensus).toBeUndefined();
    expect(parseEdgeArgs(['--data', '/srv/aura', '--consensus-roster', 'r.json'], {}).consensus).toEqual({
      rosterFile: 'r.json', keyFile: '/srv/aura/consensus-key.json', signalingUrl: 'ws://127.0.0.1:8788/', room: undefined,
    });
    expect(parseEdgeArgs(['--signaling-port', 'off', '--consensus-roster', 'r.json', '--consensus-signaling', 'ws://127.0.0.1:5383/', '--consensus-room', 'g1', '--consensus-key', 'k.json'], {}).consensus)
      .toEqual({ rosterFile: 'r.json', keyFile: 'k.json', signalingUrl: 'ws://127.0.0.1:5383/', room: 'g1' });
    expect(() => parseEdgeArgs(['--consensus-key', 'k.json'], {})).toThrow(/--consensus-key without --consensus-roster/);
    expect(() => parseEdgeArgs(['--signaling-port', 'off', '--consensus-roster', 'r.json'], {})).toThrow(/no --consensus-signaling/);
    expect(() => parseEdgeArgs(['--consensus-roster', 'r.json', '--consensus-signaling', 'http://x'], {})).toThrow(/--consensus-signaling is/);
    expect(() => parseEdgeArgs(['--consensus-roster', 'r.json', '--consensus-room', 'a b'], {})).toThrow(/--consensus-room/);
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
