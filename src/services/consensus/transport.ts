/**
 * How replicas reach each other. Frames are strings: `<to>|<json envelope>`, where `to` is a replica id
 * or `*` for everyone; a transport that cannot address one peer (BroadcastChannel) sends every frame to
 * all and receivers drop frames meant for someone else.
 */
export interface ConsensusTransport {
  readonly kind: 'broadcast-channel' | 'webrtc' | 'memory';
  send(to: number | 'all', data: string): void;
  /** Registers the receiver of frames for this replica (already filtered by address). */
  onMessage(handler: (data: string) => void): void;
  /** Peers currently reachable (for status); BroadcastChannel cannot tell and reports null. */
  connectedPeers(): number[] | null;
  close(): void;
}

export function frame(to: number | 'all', data: string): string {
  return `${to === 'all' ? '*' : to}|${data}`;
}

/** The payload of a frame meant for `self`, or null if it is for another replica or not a frame. */
export function unframe(self: number, text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const bar = text.indexOf('|');
  if (bar < 1 || bar > 5) return null;
  const to = text.slice(0, bar);
  if (to !== '*' && to !== String(self)) return null;
  return text.slice(bar + 1);
}
