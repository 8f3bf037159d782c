/**
 * Signaling for WebRTC: how two replicas exchange offers, answers and ICE candidates before a data
 * channel exists. Signaling is not trusted: it can delay or drop connections, but every consensus
 * message is signed, so it cannot forge one.
 */
export interface SignalMessage {
  kind: 'hello' | 'offer' | 'answer' | 'ice';
  from: number;
  /** Missing: for everyone in the room. */
  to?: number;
  /** A random number per transport instance, so a restarted peer is told apart from the old one. */
  epoch: number;
  data?: string;
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
  return { kind: o.kind as SignalMessage['kind'], from: o.from as number, to: o.to as number | undefined, epoch: o.epoch, data: o.data as string | undefined };
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
