import { canonicalJson, type Json } from './codec';
import { MalformedMessageError } from './errors';
import { withinCertificateLimits } from './certificate-limits';
import { MAC_TYPES, type PairwiseMacs } from './authenticator';
import type { MacKeyExchange } from './mac-keys';
import { VerifiedTexts } from './verified-texts';
import { collectEnvelopes, MESSAGE_LIMITS, nestedToVerify, parseEnvelope, type Body, type Envelope, type MacKeyBody, type PrePrepareBody, type ViewChangeBody } from './messages';
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
  /** Each rejected message, by kind (the replica's counts are in replica.faults too). */
  rejected?(kind: FaultKind): void;
}

/**
 * MAC authenticators (PBFT): `macs` holds the pairwise keys; `exchange` sets them up from signed
 * MAC-KEY messages (without it, the keys are set by the host, as the simulator does).
 */
export interface NodeAuth { macs: PairwiseMacs; exchange?: MacKeyExchange }

/** What identifies one authenticated message: its signature and its authenticator. */
const tagOf = (env: Envelope): string => `${env.from}:${env.sig}:${env.auth ?? ''}`;

/** The text a signature (and an authenticator) covers: a domain tag, the sender and the canonical body. */
export function signingText(from: number, body: Body): string {
  return `aura-pbft/1|${from}|${canonicalJson(body)}`;
}

/**
 * seen: signed messages already handled (replays are dropped); verifiedBytes: texts whose signature
 * checked out, kept so a certificate seen before costs no verification (large texts are not kept);
 * rejected: messages whose certificates failed, so a repeat costs nothing; answersPerRepeat: how often a
 * repeated view change may still earn a relay of the new view (honest peers retransmit view changes
 * when the network loses them); signCache: outgoing texts signed before, so a repeated request is
 * answered from the reply cache without a new signature.
 */
export const NODE_LIMITS = {
  seen: 50_000, verifiedBytes: 8 * 1024 * 1024, verifiedTextBytes: 32 * 1024, rejected: 4_096, answersPerRepeat: 8, signCache: 1_024,
} as const;

/**
 * Wraps a pure PbftReplica with signatures: every incoming message (and every certificate inside it)
 * is parsed, checked against the membership list and verified before the replica sees it; every
 * outgoing message is signed, and looped back to this replica so its log holds only signed messages.
 * Work is serialised: one message at a time, in arrival order.
 */
export class PbftNode {
  private queue: Promise<void> = Promise.resolve();
  private readonly seen = new Map<string, number>();
  private readonly verified = new VerifiedTexts(NODE_LIMITS.verifiedBytes, NODE_LIMITS.verifiedTextBytes);
  private readonly rejected = new Set<string>();
  private readonly signCache = new Map<string, string>();
  private readonly texts = new WeakMap<Envelope, string>();
  private closed = false;
  /** When this node last asked each peer for its MAC key (it sent MACs this node cannot check). */
  private readonly askedKey = new Map<number, number>();
  /** Signatures made and verified, MACs checked by this node (for tests and metrics). */
  readonly work = { signatures: 0, verifications: 0, macChecks: 0 };

  constructor(
    readonly replica: PbftReplica,
    private readonly signer: ConsensusSigner,
    private readonly verifier: ConsensusVerifier,
    private readonly io: PbftNodeIo,
    private readonly auth?: NodeAuth,
  ) {}

  /** Sends this replica's signed MAC key to every member (a no-op without a key exchange). */
  announceKey(): Promise<void> {
    const exchange = this.auth?.exchange;
    if (!exchange) return Promise.resolve();
    return this.enqueue(() => this.sendKey('all', false));
  }

  private async sendKey(to: number | 'all', ask: boolean): Promise<void> {
    const body = await this.auth!.exchange!.offer(ask);
    this.io.send(to, { from: this.replica.id, body, sig: await this.sign(body, signingText(this.replica.id, body)) });
  }

  /** A verified MAC-KEY: set the pair's key, and answer with ours when it is new to us or asked for. */
  private async onMacKey(env: Envelope<MacKeyBody>): Promise<void> {
    const exchange = this.auth?.exchange;
    if (!exchange || env.from === this.replica.id) return;
    const result = await exchange.accept(env.from, env.body);
    if (result === 'stale') return this.count('stale');
    if (result === 'invalid') return this.count('malformed');
    if (result === 'new' || env.body.ask) await this.sendKey(env.from, false);
  }

  /** A MAC from a peer whose key this node lacks: ask it for its key, at most once a second. */
  private askForKey(peer: number): void {
    if (!this.auth?.exchange) return;
    const now = performance.now();
    if (now - (this.askedKey.get(peer) ?? -Infinity) < 1000) return;
    this.askedKey.set(peer, now);
    void this.enqueue(() => this.sendKey(peer, true));
  }

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
      // Replays are recognised after the outer signature, so a tampered copy counts as a bad signature.
      // Requests and view changes are retransmitted on purpose (lossy networks): a repeated request is
      // answered from the reply cache (reusing the reply's signature) and a repeated view change by a
      // relay of the new view, a few times at most, then ignored.
      const seenKey = tagOf(env);
      const repeats = this.seen.get(seenKey);
      if (repeats !== undefined) {
        // Key offers cross (each side answers a key new to it), so a repeated one is expected: dropped, not counted.
        if (env.body.t !== 'mac-key') this.count('replay');
        this.seen.set(seenKey, repeats + 1);
        if (env.body.t === 'request') await this.apply(this.replica.receive(env));
        else if (env.body.t === 'view-change' && repeats < NODE_LIMITS.answersPerRepeat) await this.apply(this.replica.receiveRepeatedViewChange(env as Envelope<ViewChangeBody>));
        return;
      }
      this.remember(seenKey);
      if (env.body.t === 'mac-key') return this.onMacKey(env as Envelope<MacKeyBody>);
      await this.apply(this.replica.receive(env));
    });
  }

  catchUp(): Promise<void> {
    return this.enqueue(() => this.apply(this.replica.catchUp()));
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
    this.io.rejected?.(kind);
  }

  private remember(seenKey: string): void {
    if (this.seen.size >= NODE_LIMITS.seen) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(seenKey, 0);
  }

  /**
   * Parses and verifies a message and every certificate inside it; null (and a counted fault) if it
   * fails. Cheap checks first, so a message costs O(n) signature checks at most before it is refused:
   * size and shape; members only; certificates no larger than the membership and window allow; the
   * outer signature (an outsider stops here, after one); replays; the replica's watermarks; then the
   * certificates, n at a time, stopping at the first bad one.
   */
  private async check(raw: unknown): Promise<Envelope | null> {
    let env: Envelope;
    try {
      let value = raw;
      if (typeof raw === 'string') {
        if (raw.length > MESSAGE_LIMITS.maxWireBytes) throw new MalformedMessageError(`message is ${raw.length} bytes`);
        value = JSON.parse(raw);
      }
      env = parseEnvelope(value, 'message', undefined, this.verifier.sigLength, this.auth?.macs.length);
    } catch {
      this.count('malformed');
      return null;
    }
    const all = collectEnvelopes(env);
    if (all.some((e) => !this.verifier.knows(e.from))) {
      this.count('unknownKey');
      return null;
    }
    if (!withinCertificateLimits(env, this.replica.n, this.replica.L)) {
      this.count('invalidProof');
      return null;
    }
    // A signature (and a MAC) binds its text, so a refused message's tag cannot come with another text that verifies.
    const key = tagOf(env);
    if (this.rejected.has(key)) {
      this.count('replay');
      return null;
    }
    if (!(await this.verifyOuter(env))) {
      this.count('badSignature');
      return null;
    }
    if (all.length === 1 || this.seen.has(key)) return env;
    const refused = this.replica.admit(env);
    if (refused) {
      this.count(refused);
      return null;
    }
    // A pre-prepare's requests (MAC or signature; none when the batch is this view's plan, proven by
    // the new view), then a certificate's messages (signatures: they are proof).
    const { requests, proofs } = nestedToVerify(env);
    const nested = [
      ...(this.replica.planned(env.body as PrePrepareBody) ? [] : requests.map((e) => ({ e, proof: false }))),
      ...proofs.map((e) => ({ e, proof: true })),
    ];
    const step = this.replica.n;
    for (let k = 0; k < nested.length; k += step) {
      const results = await Promise.all(nested.slice(k, k + step).map(({ e, proof }) => this.verifyOne(e, proof)));
      if (results.includes(false)) {
        if (this.rejected.size >= NODE_LIMITS.rejected) this.rejected.delete(this.rejected.values().next().value!);
        this.rejected.add(key);
        this.count('badSignature');
        return null;
      }
    }
    return env;
  }

  /**
   * The message itself: its MAC when it carries one this node can check (a bad one refuses it), and its
   * signature when it has one: pre-prepares, prepares and commits carry both, since they may be handed
   * on as proof; a request may carry a MAC alone; everything else is signed only.
   */
  private async verifyOuter(env: Envelope): Promise<boolean> {
    if (env.auth !== undefined) {
      const canCheck = this.auth?.macs.has(env.from) ?? false;
      if (canCheck && !(await this.verifyOne(env, false))) return false;
      if (!canCheck) this.askForKey(env.from);
      if (!canCheck && env.sig === '') return false;
      // A vote for a slot already prepared (committed) here can never enter a certificate: its MAC
      // suffices. Checked on arrival, so signatures are still verified in parallel, off the queue.
      if (canCheck && this.replica.settled(env.body)) return true;
    }
    return env.sig === '' || this.verifyOne(env, true);
  }

  /** One envelope: its signature (`proof`, or no MAC to check) or its MAC; verified texts are cached. */
  private async verifyOne(e: Envelope, proof: boolean): Promise<boolean> {
    const text = this.textOf(e);
    const byMac = !proof && e.auth !== undefined && (this.auth?.macs.has(e.from) ?? false);
    if (!byMac && e.sig === '') return false;
    const cacheKey = byMac ? `m:${e.auth}` : `s:${e.sig}`;
    if (this.verified.holds(cacheKey, text)) return true;
    if (byMac) {
      this.work.macChecks++;
      if (!this.auth!.macs.check(e.from, text, e.auth!)) return false;
    } else {
      this.work.verifications++;
      if (!(await this.verifier.verify(e.from, text, e.sig))) return false;
    }
    this.verified.add(cacheKey, text);
    return true;
  }

  /** The signing text of an envelope, computed once per message object (a pre-prepare's MAC and signature share it). */
  private textOf(e: Envelope): string {
    let text = this.texts.get(e);
    if (text === undefined) {
      text = signingText(e.from, e.body);
      this.texts.set(e, text);
    }
    return text;
  }

  /**
   * Authenticates an outgoing message. With a MAC key for every member, the hot-path types carry an
   * authenticator; a request then carries nothing else (it is never proof on its own), while
   * pre-prepares, prepares and commits are signed too, for the certificates they end up in.
   */
  private async seal(body: Body): Promise<Envelope> {
    const from = this.replica.id;
    const text = signingText(from, body);
    const macs = this.auth?.macs;
    if (!macs || !macs.ready() || !MAC_TYPES.has(body.t)) return { from, body, sig: await this.sign(body, text) };
    const auth = macs.authenticate(text);
    return { from, body, sig: body.t === 'request' ? '' : await this.sign(body, text), auth };
  }

  /** Signs a text; a text signed before (a reply from the cache, a checkpoint re-sent) reuses its signature. */
  private async sign(body: Body, text: string): Promise<string> {
    const reusable = body.t === 'reply' || body.t === 'checkpoint' || body.t === 'request' || body.t === 'mac-key';
    const cached = reusable ? this.signCache.get(text) : undefined;
    if (cached) return cached;
    this.work.signatures++;
    const sig = await this.signer.sign(text);
    if (reusable) {
      if (this.signCache.size >= NODE_LIMITS.signCache) this.signCache.delete(this.signCache.keys().next().value!);
      this.signCache.set(text, sig);
    }
    return sig;
  }

  /** Signs and sends what the replica emitted; messages to itself are handled in place. */
  private async apply(out: Outbox): Promise<void> {
    for (const t of out.timers) this.io.setTimer(t.key, t.ms);
    for (const d of out.decisions) this.io.decided?.(d);
    for (const kind of out.faults) this.io.rejected?.(kind);
    for (const r of out.results) this.io.resolved?.(r);
    for (const { to, env } of out.relay) this.io.send(to, env);
    const sealed = await Promise.all(out.send.map(({ body }) => this.seal(body)));
    for (const [k, { to }] of out.send.entries()) {
      const env = sealed[k];
      if (to !== this.replica.id) this.io.send(to, env);
      if (to === 'all' || to === this.replica.id) {
        this.remember(tagOf(env));
        await this.apply(this.replica.receive(env));
      }
    }
  }
}
