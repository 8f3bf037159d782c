/**
 * Signaling for WebRTC: how two replicas exchange offers, answers and ICE candidates before a data
 * channel exists. The channel is not trusted: WebRtcTransport signs and verifies every signaling
 * message with the member keys (AuthenticatedSignaling), so a relay can delay or drop connections
 * but not speak for a peer; every consensus message is signed too.
 */
export interface SignalMessage {
  kind: 'hello' | 'offer' | 'answer' | 'ice';
  from: number;
  /** Missing: for everyone in the room. */
  to?: number;
  /** Grows with each start of a transport (freshEpoch), so a restarted peer is told apart from the old one. */
  epoch: number;
  data?: string;
  /** Per-epoch counter and the member key's signature (AuthenticatedSignaling). */
  seq?: number;
  sig?: string;
}

export interface SignalingChannel {
  send(message: SignalMessage): void;
  onMessage(handler: (message: SignalMessage) => void): void;
  close(): void;
}

/** Checks a signaling message from an untrusted source; returns null if it is not one. */
export function parseSignal(raw: unknown): SignalMessage | null {
  let v = raw;
  if (typeof raw === 'string') {
    if (raw.length > 65_536) return null;
    try {
      v = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const isId = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 1024;
  if (!['hello', 'offer', 'answer', 'ice'].includes(o.kind as string) || !isId(o.from)) return null;
  if (o.to !== undefined && !isId(o.to)) return null;
  if (typeof o.epoch !== 'number' || !Number.isFinite(o.epoch)) return null;
  if (o.data !== undefined && (typeof o.data !== 'string' || o.data.length > 60_000)) return null;
  if (o.seq !== undefined && (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 0)) return null;
  if (o.sig !== undefined && (typeof o.sig !== 'string' || o.sig.length > 512 || !/^[0-9a-f]*$/.test(o.sig))) return null;
  for (const k of Object.keys(o)) if (!['kind', 'from', 'to', 'epoch', 'data', 'seq', 'sig'].includes(k)) return null;
  const m: SignalMessage = { kind: o.kind as SignalMessage['kind'], from: o.from as number, epoch: o.epoch };
  if (o.to !== undefined) m.to = o.to as number;
  if (o.data !== undefined) m.data = o.data as string;
  if (o.seq !== undefined) m.seq = o.seq as number;
  if (o.sig !== undefined) m.sig = o.sig as string;
  return m;
}

/** Signaling between tabs of one browser (same origin) over a BroadcastChannel. */
export class BroadcastChannelSignaling implements SignalingChannel {
  private readonly channel: BroadcastChannel;
  private handler: ((m: SignalMessage) => void) | null = null;
  constructor(room: string) {
    this.channel = new BroadcastChannel(`aura-signal:${room}`);
    this.channel.onmessage = (ev: MessageEvent) => {
      const m = parseSignal(ev.data);
      if (m) this.handler?.(m);
    };
  }
  send(message: SignalMessage): void {
    this.channel.postMessage(JSON.stringify(message));
  }
  onMessage(handler: (m: SignalMessage) => void): void {
    this.handler = handler;
  }
  close(): void {
    this.channel.close();
  }
}

/**
 * Signaling through the edge node's WebSocket server (src/edge/signaling.ts). Reconnects after a drop,
 * with a backoff; messages sent while disconnected are dropped (hellos are repeated by the transport).
 */
export class WebSocketSignaling implements SignalingChannel {
  private socket: WebSocket | null = null;
  private handler: ((m: SignalMessage) => void) | null = null;
  private closed = false;
  private retryMs = 100;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly url: string, private readonly room: string, private readonly peer: number) {
    this.connect();
  }
  private connect(): void {
    const u = new URL(this.url);
    u.searchParams.set('room', this.room);
    u.searchParams.set('peer', String(this.peer));
    const socket = new WebSocket(u.toString());
    this.socket = socket;
    socket.onopen = () => { this.retryMs = 100; };
    socket.onmessage = (ev: MessageEvent) => {
      const m = parseSignal(ev.data);
      if (m) this.handler?.(m);
    };
    socket.onclose = () => {
      if (this.socket === socket) this.socket = null;
      if (this.closed) return;
      this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5_000);
    };
  }
  send(message: SignalMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
  onMessage(handler: (m: SignalMessage) => void): void {
    this.handler = handler;
  }
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close();
  }
}
