import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSignalingServer, type SignalingServer } from '../../../src/edge/signaling';
import { parseSignal } from '../../../src/services/consensus/signaling';

let server: SignalingServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function connect(url: string, room: string, peer: number): Promise<{ ws: WebSocket; got: string[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}?room=${room}&peer=${peer}`);
    const got: string[] = [];
    ws.on('message', (d) => got.push(d.toString()));
    ws.on('open', () => resolve({ ws, got }));
    ws.on('error', reject);
  });
}

describe('WebRTC signaling server (ws)', () => {
  it('relays to one peer or to the room, never across rooms', async () => {
    server = await startSignalingServer();
    const a = await connect(server.url, 'r1', 0);
    const b = await connect(server.url, 'r1', 1);
    const c = await connect(server.url, 'r1', 2);
    const other = await connect(server.url, 'r2', 1);
    expect(server.rooms()).toEqual({ r1: 3, r2: 1 });
    a.ws.send(JSON.stringify({ kind: 'hello', from: 0, epoch: 1 }));
    a.ws.send(JSON.stringify({ kind: 'offer', from: 0, to: 2, epoch: 1, data: 'sdp' }));
    await expect.poll(() => c.got.length).toBe(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(b.got).toHaveLength(1);
    expect(other.got).toHaveLength(0);
    expect(a.got).toHaveLength(0);
    expect(parseSignal(c.got[1])).toMatchObject({ kind: 'offer', to: 2, data: 'sdp' });
    for (const x of [a, b, c, other]) x.ws.close();
  });

  it('refuses a connection without a room or peer id', async () => {
    server = await startSignalingServer();
    const ws = new WebSocket(`${server.url}?room=bad room!`);
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(1008);
  });

  it('rejects malformed signaling messages', () => {
    expect(parseSignal('{nope')).toBeNull();
    expect(parseSignal({ kind: 'offer', from: -1, epoch: 1 })).toBeNull();
    expect(parseSignal({ kind: 'launch', from: 1, epoch: 1 })).toBeNull();
    expect(parseSignal({ kind: 'ice', from: 1, epoch: 1, data: 5 })).toBeNull();
    expect(parseSignal({ kind: 'ice', from: 1, epoch: 1, data: '{}' })).not.toBeNull();
  });
});

describe('WebSocketSignaling (the browser client, here on the ws package)', () => {
  it('reconnects after the server drops and delivers again', async () => {
    const { WebSocketSignaling } = await import('../../../src/services/consensus/signaling');
    const g = globalThis as { WebSocket?: unknown };
    const original = g.WebSocket;
    g.WebSocket = WebSocket;
    try {
      server = await startSignalingServer();
      const port = server.port;
      const a = new WebSocketSignaling(server.url, 'room', 0);
      const b = new WebSocketSignaling(server.url, 'room', 1);
      const got: string[] = [];
      b.onMessage((m) => got.push(m.data ?? ''));
      await expect.poll(() => server!.rooms().room).toBe(2);
      a.send({ kind: 'hello', from: 0, epoch: 1, data: 'one' });
      await expect.poll(() => got).toEqual(['one']);
      await server.close();
      server = await startSignalingServer({ port });
      await expect.poll(() => server!.rooms().room, { timeout: 10_000 }).toBe(2);
      a.send({ kind: 'hello', from: 0, epoch: 1, data: 'two' });
      await expect.poll(() => got).toEqual(['one', 'two']);
      a.close();
      b.close();
    } finally {
      g.WebSocket = original;
    }
  });
});

describe('attack 6: signaling is authenticated with the member keys', () => {
  it('the edge relay drops a message whose from is not the sender', async () => {
    server = await startSignalingServer();
    const a = await connect(server.url, 'r', 0);
    const b = await connect(server.url, 'r', 1);
    const c = await connect(server.url, 'r', 2);
    c.ws.send(JSON.stringify({ kind: 'hello', from: 0, epoch: 2 ** 40 }));
    c.ws.send(JSON.stringify({ kind: 'hello', from: 2, epoch: 1 }));
    await expect.poll(() => b.got.length).toBe(1);
    expect(parseSignal(b.got[0])).toMatchObject({ from: 2 });
    expect(a.got).toHaveLength(1);
    for (const x of [a, b, c]) x.ws.close();
  });

  it('peers accept only signed, fresh messages from the member they claim to be', async () => {
    const { AuthenticatedSignaling } = await import('../../../src/services/consensus/authenticated-signaling');
    const { BroadcastChannelSignaling } = await import('../../../src/services/consensus/signaling');
    const { Ed25519Signer, Ed25519Verifier, generateEd25519Identity } = await import('../../../src/services/consensus/signer');
    const ids = await Promise.all([0, 1, 2].map(() => generateEd25519Identity()));
    const verifier = new Ed25519Verifier(ids.map((i) => i.publicKeyHex));
    const room = `auth-${Math.random()}`;
    const peer = (id: number) => new AuthenticatedSignaling(new BroadcastChannelSignaling(room), id, new Ed25519Signer(id, ids[id].privateKey), verifier);
    const zero = peer(0);
    const one = peer(1);
    const got: Array<{ kind: string; from: number; epoch: number }> = [];
    one.onMessage((m) => got.push(m));
    // What the relay or a hostile tab on the channel sees and can post.
    const wire = new BroadcastChannel(`aura-signal:${room}`);
    const seen: string[] = [];
    wire.onmessage = (e) => seen.push(e.data as string);

    zero.send({ kind: 'hello', from: 0, epoch: 5 });
    await expect.poll(() => got.length).toBe(1);
    expect(got[0]).toMatchObject({ kind: 'hello', from: 0, epoch: 5 });
    const genuine = JSON.parse(seen[0]);

    // Spoofs: unsigned with a new epoch (it used to tear the link down), signed by member 2 as 0,
    // a genuine message replayed, the genuine signature on a changed epoch.
    wire.postMessage(JSON.stringify({ kind: 'hello', from: 0, epoch: 6 }));
    const liar = peer(2);
    (liar as unknown as { self: number }).self = 0;
    liar.send({ kind: 'hello', from: 0, epoch: 7 });
    wire.postMessage(JSON.stringify(genuine));
    wire.postMessage(JSON.stringify({ ...genuine, epoch: 8 }));
    await expect.poll(() => one.rejected).toBe(4);
    expect(got).toHaveLength(1);

    zero.send({ kind: 'offer', from: 0, to: 1, epoch: 5, data: 'sdp' });
    await expect.poll(() => got.length).toBe(2);
    expect(got[1]).toMatchObject({ kind: 'offer', from: 0 });
    for (const x of [zero, one, liar]) x.close();
    wire.close();
  });
});
