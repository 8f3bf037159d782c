import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The edge node's WebRTC signaling server: a WebSocket relay with rooms. A client connects to
 * `ws://host:port/?room=<room>&peer=<id>`; a JSON message with a numeric `to` goes to that peer in the
 * room, any other message to every other client in the room. A message whose `from` is not the
 * sender's peer id is dropped. It never reads the signaling payloads, and it is not trusted: signaling
 * and consensus messages are signed end to end with the member keys.
 */
export interface SignalingServer {
  port: number;
  url: string;
  /** Clients connected now, per room. */
  rooms(): Record<string, number>;
  close(): Promise<void>;
}

export interface SignalingServerOptions {
  port?: number;
  host?: string;
  /** Largest message relayed, in bytes. */
  maxMessageBytes?: number;
}

interface Client { socket: WebSocket; room: string; peer: number; alive: boolean }

export async function startSignalingServer(options: SignalingServerOptions = {}): Promise<SignalingServer> {
  const host = options.host ?? '127.0.0.1';
  const maxBytes = options.maxMessageBytes ?? 65_536;
  const wss = new WebSocketServer({ port: options.port ?? 0, host, maxPayload: maxBytes });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const clients = new Set<Client>();

  wss.on('connection', (socket, request) => {
    const params = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const room = params.get('room') ?? '';
    const peer = Number(params.get('peer'));
    if (!/^[\w.:-]{1,64}$/.test(room) || !Number.isInteger(peer) || peer < 0 || peer > 1023) {
      socket.close(1008, 'need ?room=<1-64 word characters>&peer=<integer 0-1023>');
      return;
    }
    const client: Client = { socket, room, peer, alive: true };
    clients.add(client);
    socket.on('pong', () => { client.alive = true; });
    socket.on('close', () => clients.delete(client));
    socket.on('error', () => clients.delete(client));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      let to: unknown;
      try {
        const parsed = JSON.parse(text) as { to?: unknown; from?: unknown };
        // A client speaks only as the peer it connected as (peers also sign; this is a first filter).
        if (parsed.from !== peer) return;
        to = parsed.to;
      } catch {
        return;
      }
      for (const other of clients) {
        if (other === client || other.room !== room) continue;
        if (typeof to === 'number' && other.peer !== to) continue;
        if (other.socket.readyState === other.socket.OPEN) other.socket.send(text);
      }
    });
  });

  // Drops clients that stopped answering pings (a tab that was killed without closing its socket).
  const heartbeat = setInterval(() => {
    for (const c of clients) {
      if (!c.alive) {
        c.socket.terminate();
        clients.delete(c);
        continue;
      }
      c.alive = false;
      c.socket.ping();
    }
  }, 10_000);
  heartbeat.unref?.();

  const address = wss.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `ws://${host}:${port}/`,
    rooms: () => {
      const out: Record<string, number> = {};
      for (const c of clients) out[c.room] = (out[c.room] ?? 0) + 1;
      return out;
    },
    close: () => new Promise<void>((resolve) => {
      clearInterval(heartbeat);
      for (const c of clients) c.socket.terminate();
      wss.close(() => resolve());
    }),
  };
}
