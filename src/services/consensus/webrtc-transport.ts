import { AuthenticatedSignaling, freshEpoch } from './authenticated-signaling';
import type { ConsensusSigner, ConsensusVerifier } from './signer';
import type { SignalingChannel, SignalMessage } from './signaling';
import { frame, unframe, type ConsensusTransport } from './transport';

export interface WebRtcTransportOptions {
  self: number;
  /** Every replica id, this one included. */
  members: number[];
  signaling: SignalingChannel;
  /** This member's key (Ed25519Signer) and the membership's (Ed25519Verifier): signaling is signed end to end. */
  signer: ConsensusSigner;
  verifier: ConsensusVerifier;
  /** ICE servers; [] on loopback or a LAN (no STUN server is needed or reachable there). */
  iceServers?: RTCIceServer[];
  /** How often to announce ourselves while a peer is missing (ms). */
  helloMs?: number;
}

interface Link { pc: RTCPeerConnection; channel: RTCDataChannel | null; epoch: number; pendingIce: RTCIceCandidateInit[]; open: boolean }

/**
 * A full mesh of WebRTC data channels (ordered, reliable). The lower id of each pair makes the offer,
 * so offers never collide. A dropped link is torn down and rebuilt: replicas keep announcing
 * themselves ("hello") while any peer is missing, and a peer with a new epoch has restarted.
 */
export class WebRtcTransport implements ConsensusTransport {
  readonly kind = 'webrtc' as const;
  private readonly links = new Map<number, Link>();
  private handler: ((data: string) => void) | null = null;
  private readonly epoch = freshEpoch();
  private readonly helloTimer: ReturnType<typeof setInterval>;
  private readonly signaling: AuthenticatedSignaling;
  private closed = false;

  constructor(private readonly options: WebRtcTransportOptions) {
    this.signaling = new AuthenticatedSignaling(options.signaling, options.self, options.signer, options.verifier);
    this.signaling.onMessage((m) => void this.onSignal(m).catch(() => this.drop(m.from)));
    this.hello();
    this.helloTimer = setInterval(() => {
      if (this.options.members.some((id) => id !== this.options.self && !this.links.get(id)?.open)) this.hello();
    }, options.helloMs ?? 500);
  }

  send(to: number | 'all', data: string): void {
    const text = frame(to, data);
    for (const [id, link] of this.links) {
      if ((to === 'all' || to === id) && link.open && link.channel?.readyState === 'open') {
        try {
          link.channel.send(text);
        } catch {
          this.drop(id);
        }
      }
    }
  }
  onMessage(handler: (data: string) => void): void {
    this.handler = handler;
  }
  /** Signaling messages dropped as unsigned, forged, from a non-member or replayed. */
  get rejectedSignals(): number {
    return this.signaling.rejected;
  }
  connectedPeers(): number[] {
    return [...this.links].filter(([, l]) => l.open).map(([id]) => id).sort((a, b) => a - b);
  }
  /** Closes the link to one peer (as a network drop would); it is rebuilt on the next hello. */
  disconnect(peer: number): void {
    this.drop(peer);
  }
  close(): void {
    this.closed = true;
    clearInterval(this.helloTimer);
    for (const id of [...this.links.keys()]) this.drop(id);
    this.signaling.close();
  }

  private hello(): void {
    if (!this.closed) this.signal({ kind: 'hello' });
  }
  private signal(m: Omit<SignalMessage, 'from' | 'epoch'>): void {
    this.signaling.send({ ...m, from: this.options.self, epoch: this.epoch });
  }

  private drop(peer: number): void {
    const link = this.links.get(peer);
    if (!link) return;
    this.links.delete(peer);
    link.open = false;
    try {
      link.channel?.close();
      link.pc.close();
    } catch {
      // already closed
    }
  }

  private newLink(peer: number, epoch: number): Link {
    this.drop(peer);
    const pc = new RTCPeerConnection({ iceServers: this.options.iceServers ?? [] });
    const link: Link = { pc, channel: null, epoch, pendingIce: [], open: false };
    this.links.set(peer, link);
    pc.onicecandidate = (ev) => {
      if (ev.candidate) this.signal({ kind: 'ice', to: peer, data: JSON.stringify(ev.candidate.toJSON()) });
    };
    pc.onconnectionstatechange = () => {
      if (['failed', 'closed', 'disconnected'].includes(pc.connectionState) && this.links.get(peer) === link) {
        this.drop(peer);
        this.hello();
      }
    };
    pc.ondatachannel = (ev) => this.attach(peer, link, ev.channel);
    return link;
  }

  private attach(peer: number, link: Link, channel: RTCDataChannel): void {
    link.channel = channel;
    channel.onopen = () => { link.open = true; };
    channel.onclose = () => {
      if (this.links.get(peer) === link) {
        this.drop(peer);
        this.hello();
      }
    };
    channel.onmessage = (ev: MessageEvent) => {
      const data = unframe(this.options.self, ev.data);
      if (data !== null) this.handler?.(data);
    };
    if (channel.readyState === 'open') link.open = true;
  }

  private async onSignal(m: SignalMessage): Promise<void> {
    const self = this.options.self;
    if (this.closed || m.from === self || (m.to !== undefined && m.to !== self) || !this.options.members.includes(m.from)) return;
    const peer = m.from;
    const link = this.links.get(peer);
    switch (m.kind) {
      case 'hello': {
        // Only a signed hello gets here; an older epoch is a stale message, not a restart.
        if (link && (m.epoch < link.epoch || (link.epoch === m.epoch && link.pc.connectionState !== 'failed'))) return;
        if (self < peer) {
          const fresh = this.newLink(peer, m.epoch);
          this.attach(peer, fresh, fresh.pc.createDataChannel('aura-pbft', { ordered: true }));
          await fresh.pc.setLocalDescription(await fresh.pc.createOffer());
          this.signal({ kind: 'offer', to: peer, data: JSON.stringify(fresh.pc.localDescription) });
        } else {
          this.signal({ kind: 'hello', to: peer });
        }
        return;
      }
      case 'offer': {
        if (self < peer || !m.data) return;
        const fresh = this.newLink(peer, m.epoch);
        await fresh.pc.setRemoteDescription(JSON.parse(m.data) as RTCSessionDescriptionInit);
        await this.flushIce(fresh);
        await fresh.pc.setLocalDescription(await fresh.pc.createAnswer());
        this.signal({ kind: 'answer', to: peer, data: JSON.stringify(fresh.pc.localDescription) });
        return;
      }
      case 'answer': {
        if (!link || !m.data || link.pc.signalingState !== 'have-local-offer') return;
        await link.pc.setRemoteDescription(JSON.parse(m.data) as RTCSessionDescriptionInit);
        await this.flushIce(link);
        return;
      }
      case 'ice': {
        if (!link || !m.data) return;
        const candidate = JSON.parse(m.data) as RTCIceCandidateInit;
        if (link.pc.remoteDescription) await link.pc.addIceCandidate(candidate);
        else link.pendingIce.push(candidate);
        return;
      }
    }
  }

  private async flushIce(link: Link): Promise<void> {
    for (const c of link.pendingIce.splice(0)) await link.pc.addIceCandidate(c);
  }
}
