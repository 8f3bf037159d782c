import { frame, unframe, type ConsensusTransport } from './transport';

/**
 * Replicas in tabs (or workers) of one origin: one BroadcastChannel per group. A channel never receives
 * its own posts, so messages to itself are handled by PbftNode's loopback.
 */
export class BroadcastChannelTransport implements ConsensusTransport {
  readonly kind = 'broadcast-channel' as const;
  private readonly channel: BroadcastChannel;
  private handler: ((data: string) => void) | null = null;

  constructor(private readonly self: number, group = 'aura-consensus') {
    this.channel = new BroadcastChannel(group);
    this.channel.onmessage = (ev: MessageEvent) => {
      const data = unframe(this.self, ev.data);
      if (data !== null) this.handler?.(data);
    };
  }
  send(to: number | 'all', data: string): void {
    this.channel.postMessage(frame(to, data));
  }
  onMessage(handler: (data: string) => void): void {
    this.handler = handler;
  }
  connectedPeers(): null {
    return null;
  }
  close(): void {
    this.channel.close();
  }
}
