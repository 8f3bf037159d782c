import { canonicalJson } from './codec';
import type { ConsensusSigner, ConsensusVerifier } from './signer';
import type { SignalingChannel, SignalMessage } from './signaling';

/** The text a signaling signature covers; its own domain tag, so it can never pass as a PBFT message. */
export function signalSigningText(m: SignalMessage): string {
  return `aura-signal/1|${canonicalJson({ kind: m.kind, from: m.from, to: m.to ?? null, epoch: m.epoch, seq: m.seq ?? null, data: m.data ?? null })}`;
}

/** A fresh epoch that grows across restarts of a peer (a reload), so an old one cannot pass as new. */
export function freshEpoch(): number {
  return Date.now() * 1024 + Math.floor(Math.random() * 1024);
}

/**
 * Signaling whose messages are signed with the member key and verified against the membership: the
 * relay (or a tab on the same BroadcastChannel) cannot make one peer speak for another, and cannot
 * replay: per sender, only a newer epoch, or a higher sequence number within the epoch, is accepted.
 * Anything else is dropped before the transport sees it, so it cannot tear down a live link.
 */
export class AuthenticatedSignaling implements SignalingChannel {
  private seq = 0;
  private sending: Promise<void> = Promise.resolve();
  private readonly latest = new Map<number, { epoch: number; seq: number }>();
  private checking: Promise<void> = Promise.resolve();
  /** Messages dropped: unsigned, forged, from a non-member, or replayed (for status and tests). */
  rejected = 0;

  constructor(
    private readonly inner: SignalingChannel,
    private readonly self: number,
    private readonly signer: ConsensusSigner,
    private readonly verifier: ConsensusVerifier,
  ) {}

  send(message: SignalMessage): void {
    const m: SignalMessage = { ...message, from: this.self, seq: ++this.seq };
    delete m.sig;
    // Signed in order, so a peer never sees a higher sequence number before a lower one from us.
    this.sending = this.sending.then(async () => {
      this.inner.send({ ...m, sig: await this.signer.sign(signalSigningText(m)) });
    }).catch(() => undefined);
  }

  onMessage(handler: (message: SignalMessage) => void): void {
    this.inner.onMessage((m) => {
      // Checked one at a time, so the replay rule sees messages in arrival order.
      this.checking = this.checking.then(async () => {
        if (await this.authentic(m)) handler(m);
        else this.rejected++;
      }).catch(() => undefined);
    });
  }

  close(): void {
    this.inner.close();
  }

  private async authentic(m: SignalMessage): Promise<boolean> {
    if (m.sig === undefined || m.seq === undefined || m.from === this.self || !this.verifier.knows(m.from)) return false;
    const last = this.latest.get(m.from);
    if (last && (m.epoch < last.epoch || (m.epoch === last.epoch && m.seq <= last.seq))) return false;
    if (!(await this.verifier.verify(m.from, signalSigningText(m), m.sig))) return false;
    this.latest.set(m.from, { epoch: m.epoch, seq: m.seq });
    return true;
  }
}
