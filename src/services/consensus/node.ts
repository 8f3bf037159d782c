import { canonicalJson, type Json } from './codec';
import { MalformedMessageError } from './errors';
import { collectEnvelopes, MESSAGE_LIMITS, parseEnvelope, type Body, type Envelope } from './messages';
import type { ClientResult, Decision, FaultKind, Outbox, PbftReplica, TimerKey } from './replica';
import type { ConsensusSigner, ConsensusVerifier } from './signer';

/** What a node needs from its host: a network, timers, and somewhere to put decisions. */
export interface PbftNodeIo {
  /** Sends a signed envelope to one replica or to all others (never back to this node). */
  send(to: number | 'all', env: Envelope): void;
  /** Sets (ms) or clears (null) a named timer; when it fires the host calls node.timeout(key). */
  setTimer(key: TimerKey, ms: number | null): void;
  decided?(decision: Decision): void;
  resolved?(result: ClientResult): void;
}

/** The text a signature covers: a domain tag, the sender and the canonical body. */
export function signingText(from: number, body: Body): string {
  return `aura-pbft/1|${from}|${canonicalJson(body)}`;
}

const SEEN_LIMIT = 50_000;
const VERIFIED_LIMIT = 8_192;

/**
 * Wraps a pure PbftReplica with signatures: every incoming message (and every certificate inside it)
 * is parsed, checked against the membership list and verified before the replica sees it; every
 * outgoing message is signed, and looped back to this replica so its log holds only signed messages.
 * Work is serialised: one message at a time, in arrival order.
 */
export class PbftNode {
  private queue: Promise<void> = Promise.resolve();
  private readonly seen = new Set<string>();
  private readonly verified = new Map<string, string>();
  private closed = false;

  constructor(
    readonly replica: PbftReplica,
    private readonly signer: ConsensusSigner,
    private readonly verifier: ConsensusVerifier,
    private readonly io: PbftNodeIo,
  ) {}

  /**
   * An untrusted message from the network: a JSON string or an already-parsed object. Parsing and
   * signature checks start at once (WebCrypto runs them off the main thread, in parallel); the
   * replica then sees the messages one at a time, in arrival order.
   */
  deliver(raw: unknown): Promise<void> {
    const checked = this.check(raw);
    return this.enqueue(async () => {
      const env = await checked;
      if (!env) return;
      // Replays are recognised after verification, so a tampered copy counts as a bad signature.
      // Requests and view changes are retransmitted on purpose (lossy networks): the replica answers a
      // repeated request from its reply cache and a repeated view change by re-sending its new view.
      const seenKey = `${env.from}:${env.sig}`;
      if (this.seen.has(seenKey) && env.body.t !== 'request' && env.body.t !== 'view-change') return this.count('replay');
      if (this.seen.size >= SEEN_LIMIT) this.seen.delete(this.seen.values().next().value!);
      this.seen.add(seenKey);
      await this.apply(this.replica.receive(env));
    });
  }

  timeout(key: TimerKey): Promise<void> {
    return this.enqueue(() => this.apply(this.replica.timeout(key)));
  }

  submit(value: Json): Promise<number> {
    let reqId = 0;
    return this.enqueue(async () => {
      const { reqId: id, out } = this.replica.submit(value);
      reqId = id;
      await this.apply(out);
    }).then(() => reqId);
  }

  /** Waits for queued work, then ignores everything after. */
  async close(): Promise<void> {
    await this.queue;
    this.closed = true;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(() => (this.closed ? undefined : work()));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private count(kind: FaultKind): void {
    this.replica.noteFault(kind);
  }

  /** Parses and verifies a message and every certificate inside it; null (and a counted fault) if it fails. */
  private async check(raw: unknown): Promise<Envelope | null> {
    let env: Envelope;
    try {
      let value = raw;
      if (typeof raw === 'string') {
        if (raw.length > MESSAGE_LIMITS.maxWireBytes) throw new MalformedMessageError(`message is ${raw.length} bytes`);
        value = JSON.parse(raw);
      }
      env = parseEnvelope(value, 'message', undefined, this.verifier.sigLength);
    } catch {
      this.count('malformed');
      return null;
    }
    const all = collectEnvelopes(env);
    if (all.some((e) => !this.verifier.knows(e.from))) {
      this.count('unknownKey');
      return null;
    }
    const results = await Promise.all(all.map(async (e) => {
      const text = signingText(e.from, e.body);
      if (this.verified.get(e.sig) === text) return true;
      if (!(await this.verifier.verify(e.from, text, e.sig))) return false;
      if (this.verified.size >= VERIFIED_LIMIT) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(e.sig, text);
      return true;
    }));
    if (results.includes(false)) {
      this.count('badSignature');
      return null;
    }
    return env;
  }

  /** Signs and sends what the replica emitted; messages to itself are handled in place. */
  private async apply(out: Outbox): Promise<void> {
    for (const t of out.timers) this.io.setTimer(t.key, t.ms);
    for (const d of out.decisions) this.io.decided?.(d);
    for (const r of out.results) this.io.resolved?.(r);
    for (const { to, env } of out.relay) this.io.send(to, env);
    const sigs = await Promise.all(out.send.map(({ body }) => this.signer.sign(signingText(this.replica.id, body))));
    for (const [k, { to, body }] of out.send.entries()) {
      const env: Envelope = { from: this.replica.id, body, sig: sigs[k] };
      if (to !== this.replica.id) this.io.send(to, env);
      if (to === 'all' || to === this.replica.id) {
        this.seen.add(`${env.from}:${env.sig}`);
        await this.apply(this.replica.receive(env));
      }
    }
  }
}
