import type {
  Body, CheckpointBody, CommitBody, Envelope, NewViewBody, PrePrepareBody, PrepareBody, RequestBody, StateBody, ViewChangeBody,
} from './messages';
import { signingText } from './node';
import type { ConsensusSigner } from './signer';
import type { PairwiseMacs } from './authenticator';
import { digestRequests, GENESIS, primaryOf } from './view-change';

/**
 * A byzantine member for the simulator: it runs the honest replica (so it takes part) and rewrites
 * what that replica sends, signing what it crafts with its own key. It cannot forge other members'
 * signatures, so every attack is one a real member could make.
 */
export const BYZANTINE_STRATEGIES = [
  'equivocate',      // as primary: one batch to some replicas, another to the rest; as backup: votes for both
  'hide',            // view changes that claim nothing prepared (a lie by omission)
  'invalid-proofs',  // view changes whose prepared certificates are its own, unproven batches
  'lying-primary',   // as new primary: a plan that swaps prepared batches for its own
  'forge-state',     // answers state transfer with batches backed by too few commits
  'future-flood',    // prepares, commits and view changes for views far ahead
  'padded',          // view changes padded with a checkpoint proof at sequence 0
  'selective',       // sends each message to one replica only
  'replay',          // re-sends messages it received, to random replicas
  'partial-proofs',  // checkpoint proofs of f+1 signatures (its own and f it saw), in view changes and state
  'stale-certificates', // view changes carrying the LOWEST-view genuine prepared certificate it saw per number
] as const;
/**
 * Attacks on the MAC authenticators (issue 21), drawn apart from the list above so the scenarios of
 * earlier seeds stay as they were: with each prepare, commit or request it sends, the member also
 * sends one replica a vote for another batch with a valid MAC and a signature of another text, and a
 * message in another member's name authenticated with its own keys.
 */
export const MAC_STRATEGIES = ['forge-macs'] as const;
export type ByzantineStrategy = (typeof BYZANTINE_STRATEGIES)[number] | (typeof MAC_STRATEGIES)[number];

type Out = (to: number | 'all', env: Envelope) => void;

export class ByzantineMember {
  private readonly observed: Envelope[] = [];
  /** Commits from others, per view:seq:digest, with the batch they vote for (for forged state). */
  private readonly commits = new Map<string, { commits: Map<number, Envelope<CommitBody>>; requests: Envelope<RequestBody>[] | null }>();
  /** Genuine messages of others, to assemble proofs from: checkpoints per seq:digest, pre-prepares and prepares per view:seq:digest. */
  private readonly checkpointsSeen = new Map<string, Map<number, Envelope<CheckpointBody>>>();
  private readonly prePrepares = new Map<string, Envelope<PrePrepareBody>>();
  private readonly preparesSeen = new Map<string, Map<number, Envelope<PrepareBody>>>();
  private reqId = 1_000_000;
  private readonly oldRequests: Envelope<RequestBody>[] = [];

  constructor(
    readonly id: number,
    private readonly n: number,
    private readonly signer: ConsensusSigner,
    private readonly rnd: () => number,
    private readonly strategies: ReadonlySet<ByzantineStrategy>,
    private readonly out: Out,
    private readonly macs?: PairwiseMacs,
  ) {}

  /** Every message the member receives (it learns what it may replay or reuse). */
  observe(env: Envelope): void {
    if (this.observed.length < 512) this.observed.push(env);
    else this.observed[Math.floor(this.rnd() * 512)] = env;
    const b = env.body;
    if (b.t === 'pre-prepare') this.entry(b.view, b.seq, b.digest).requests = b.requests;
    if (b.t === 'request' && this.oldRequests.length < 64) this.oldRequests.push(env as Envelope<RequestBody>);
    if (b.t === 'commit' && env.from !== this.id) this.entry(b.view, b.seq, b.digest).commits.set(env.from, env as Envelope<CommitBody>);
    this.collect(env);
  }

  /** Keeps genuine checkpoints, pre-prepares and prepares (its own too), a bounded number of each. */
  private collect(env: Envelope): void {
    const b = env.body;
    const add = <T>(m: Map<string, Map<number, T>>, key: string, from: number, value: T) => {
      if (!m.has(key) && m.size >= 256) m.delete(m.keys().next().value as string);
      let at = m.get(key);
      if (!at) m.set(key, (at = new Map()));
      at.set(from, value);
    };
    if (b.t === 'checkpoint') add(this.checkpointsSeen, `${b.seq}:${b.digest}`, env.from, env as Envelope<CheckpointBody>);
    if (b.t === 'prepare') add(this.preparesSeen, `${b.view}:${b.seq}:${b.digest}`, env.from, env as Envelope<PrepareBody>);
    if (b.t === 'pre-prepare' && this.prePrepares.size < 256) this.prePrepares.set(`${b.view}:${b.seq}:${b.digest}`, env as Envelope<PrePrepareBody>);
  }

  /** What the honest replica inside wanted to send; the member decides what really goes out. */
  async send(to: number | 'all', env: Envelope): Promise<void> {
    const b = env.body;
    const has = (s: ByzantineStrategy) => this.strategies.has(s);
    this.collect(env);
    if (has('replay')) for (let k = 0; k < 2 && this.observed.length; k++) this.out(this.target(), this.observed[Math.floor(this.rnd() * this.observed.length)]);
    if (has('future-flood') && this.rnd() < 0.3) await this.flood(b);
    if (has('forge-macs') && (b.t === 'prepare' || b.t === 'commit' || b.t === 'request')) this.forgeMacs(env);
    if (b.t === 'pre-prepare' && has('equivocate')) return this.equivocate(env as Envelope<PrePrepareBody>);
    if ((b.t === 'prepare' || b.t === 'commit') && has('equivocate')) {
      this.out(to, env);
      return this.out(this.target(), await this.sign({ ...b, digest: digestRequests([]) }));
    }
    if (b.t === 'view-change' && (has('hide') || has('invalid-proofs') || has('padded') || has('partial-proofs') || has('stale-certificates'))) return this.out(to, await this.viewChange(b));
    if (b.t === 'new-view' && has('lying-primary')) return this.lyingNewView(b);
    if (b.t === 'state' && has('partial-proofs') && b.checkpoint && typeof to === 'number') {
      const { snapshot, proof } = b.checkpoint;
      const partial = await this.partialProof(snapshot.seq, proof[0]?.body.digest ?? '');
      if (partial) return this.out(to, await this.sign({ ...b, checkpoint: { snapshot, proof: partial } }));
    }
    if (b.t === 'state' && has('forge-state') && typeof to === 'number') {
      const forged = await this.forgeState(b);
      if (forged) return this.out(to, forged);
    }
    this.out(has('selective') && to === 'all' ? this.target() : to, env);
  }

  /** Deterministic (no draws from the shared PRNG): the target is the next replica. */
  private forgeMacs(env: Envelope): void {
    const macs = this.macs;
    if (!macs) return;
    const b = env.body;
    const target = (this.id + 1) % this.n;
    const victim = (this.id + 2) % this.n;
    if (b.t === 'prepare' || b.t === 'commit') {
      // A vote for another batch: its MAC is valid, its signature is of the genuine vote's text.
      const other = { ...b, digest: digestRequests([]) };
      if (other.digest !== b.digest) this.out(target, { from: this.id, body: other, sig: env.sig, auth: macs.authenticate(signingText(this.id, other)) });
      this.out(target, { from: victim, body: b, sig: env.sig, auth: macs.authenticate(signingText(victim, b)) });
    } else if (b.t === 'request') {
      const forged = { ...b, client: victim, session: 1, reqId: ++this.reqId };
      this.out(target, { from: victim, body: forged, sig: '', auth: macs.authenticate(signingText(victim, forged)) });
    }
  }

  private entry(view: number, seq: number, digest: string) {
    const key = `${view}:${seq}:${digest}`;
    let e = this.commits.get(key);
    if (!e) this.commits.set(key, (e = { commits: new Map(), requests: null }));
    return e;
  }
  private target(): number {
    const others = [...Array(this.n).keys()].filter((i) => i !== this.id);
    return others[Math.floor(this.rnd() * others.length)];
  }
  private async sign<B extends Body>(body: B): Promise<Envelope<B>> {
    return { from: this.id, body, sig: await this.signer.sign(signingText(this.id, body)) };
  }
  /** A request of its own, so a crafted batch is made of validly signed requests. */
  private async junkBatch(): Promise<Envelope<RequestBody>[]> {
    return [await this.sign({ t: 'request', client: this.id, session: 7, reqId: ++this.reqId, value: `byzantine-${this.reqId}` })];
  }

  private async equivocate(env: Envelope<PrePrepareBody>): Promise<void> {
    const b = env.body;
    // The other batch: reordered, emptied, its own, or with a request ordered before added again.
    const old = this.oldRequests.length ? this.oldRequests[Math.floor(this.rnd() * this.oldRequests.length)] : null;
    const other = old && this.rnd() < 0.5 ? [...b.requests, old]
      : b.requests.length > 1 ? [...b.requests].reverse() : b.requests.length === 1 ? [] : await this.junkBatch();
    const twin = await this.sign({ ...b, requests: other, digest: digestRequests(other) });
    for (let i = 0; i < this.n; i++) if (i !== this.id) this.out(i, this.rnd() < 0.5 ? env : twin);
  }

  private async flood(b: Body): Promise<void> {
    const view = ('view' in b ? b.view : 0) + 1 + Math.floor(this.rnd() * 1000);
    const seq = 1 + Math.floor(this.rnd() * 64);
    this.out('all', await this.sign({ t: this.rnd() < 0.5 ? 'prepare' : 'commit', view, seq, digest: digestRequests([]) }));
    this.out('all', await this.sign({ t: 'view-change', view, stableSeq: 0, stableDigest: GENESIS, checkpointProof: [], prepared: [] }));
  }

  private async viewChange(b: ViewChangeBody): Promise<Envelope<ViewChangeBody>> {
    let body: ViewChangeBody = { ...b };
    if (this.strategies.has('hide')) body = { ...body, prepared: [] };
    if (this.strategies.has('invalid-proofs')) {
      // Its own pre-prepares (from the last view it led before this one) with only its own vote.
      const led = b.view - 1 - ((b.view - 1 - this.id) % this.n + this.n) % this.n;
      if (led >= 0 && led < b.view && primaryOf(led, this.n) === this.id) {
        const prepared = [];
        for (let seq = b.stableSeq + 1; seq <= b.stableSeq + 3; seq++) {
          const requests = await this.junkBatch();
          const pp = await this.sign({ t: 'pre-prepare', view: led, seq, digest: digestRequests(requests), requests } as PrePrepareBody);
          prepared.push({ prePrepare: pp, prepares: [] });
        }
        body = { ...body, prepared };
      }
    }
    if (this.strategies.has('stale-certificates')) body = { ...body, prepared: this.staleCertificates(body) };
    if (this.strategies.has('partial-proofs')) body = await this.claimPartialCheckpoint(body);
    if (this.strategies.has('padded') && b.stableSeq === 0 && this.rnd() < 0.5) {
      body = { ...body, checkpointProof: [await this.sign({ t: 'checkpoint', seq: 1, digest: GENESIS })] };
    }
    return this.sign(body);
  }

  /** Its own checkpoint and f genuine ones of others for (seq, digest): f+1 signatures, one short of a proof. */
  private async partialProof(seq: number, digest: string): Promise<Envelope<CheckpointBody>[] | null> {
    const f = Math.floor((this.n - 1) / 3);
    const others = [...(this.checkpointsSeen.get(`${seq}:${digest}`)?.values() ?? [])].filter((c) => c.from !== this.id).slice(0, f);
    if (others.length < f) return null;
    return [await this.sign({ t: 'checkpoint', seq, digest } as CheckpointBody), ...others];
  }

  /** Claims the highest checkpoint others reported as stable, with a proof of f+1 signatures only. */
  private async claimPartialCheckpoint(b: ViewChangeBody): Promise<ViewChangeBody> {
    let best: { seq: number; digest: string } | null = null;
    for (const key of this.checkpointsSeen.keys()) {
      const [seq, digest] = key.split(':');
      if (Number(seq) > (best?.seq ?? b.stableSeq)) best = { seq: Number(seq), digest };
    }
    const proof = best && await this.partialProof(best.seq, best.digest);
    if (!best || !proof) return b;
    return { ...b, stableSeq: best.seq, stableDigest: best.digest, checkpointProof: proof, prepared: b.prepared.filter((p) => p.prePrepare.body.seq > best.seq) };
  }

  /**
   * Per sequence number, the genuine prepared certificate (a primary's pre-prepare and 2f prepares of
   * others, all really signed) of the LOWEST view it saw: true once, maybe overtaken since.
   */
  private staleCertificates(b: ViewChangeBody): ViewChangeBody['prepared'] {
    const f = Math.floor((this.n - 1) / 3);
    const lowest = new Map<number, ViewChangeBody['prepared'][number]>();
    for (const [key, pp] of this.prePrepares) {
      const { view, seq } = pp.body;
      if (view >= b.view || seq <= b.stableSeq || seq > b.stableSeq + 8 || (lowest.get(seq)?.prePrepare.body.view ?? Infinity) <= view) continue;
      const prepares = [...(this.preparesSeen.get(key)?.values() ?? [])].filter((q) => q.from !== pp.from).slice(0, 2 * f);
      if (prepares.length === 2 * f) lowest.set(seq, { prePrepare: pp, prepares });
    }
    const kept = b.prepared.filter((p) => !lowest.has(p.prePrepare.body.seq));
    return [...kept, ...lowest.values()].sort((x, y) => x.prePrepare.body.seq - y.prePrepare.body.seq);
  }

  /** A new view whose plan puts its own batches where prepared ones were; pre-prepares to match. */
  private async lyingNewView(b: NewViewBody): Promise<void> {
    const swaps = new Map<number, Envelope<RequestBody>[]>();
    for (const p of b.plan) swaps.set(p.seq, await this.junkBatch());
    const plan = b.plan.map((p) => ({ seq: p.seq, digest: digestRequests(swaps.get(p.seq)!) }));
    this.out('all', await this.sign({ ...b, plan }));
    for (const p of b.plan) {
      const requests = swaps.get(p.seq)!;
      this.out('all', await this.sign({ t: 'pre-prepare', view: b.view, seq: p.seq, digest: digestRequests(requests), requests } as PrePrepareBody));
    }
  }

  /** State whose batches carry f+1 commits only (its own and f from others it saw), where it has them. */
  private async forgeState(b: StateBody): Promise<Envelope<StateBody> | null> {
    const f = Math.floor((this.n - 1) / 3);
    const entries: StateBody['entries'] = [];
    for (const [key, e] of this.commits) {
      if (!e.requests || e.commits.size < f) continue;
      const [view, seq, digest] = key.split(':');
      const own = await this.sign({ t: 'commit', view: Number(view), seq: Number(seq), digest } as CommitBody);
      entries.push({ view: Number(view), seq: Number(seq), requests: e.requests, commits: [own, ...[...e.commits.values()].slice(0, f)] });
    }
    if (entries.length === 0) return null;
    entries.sort((x, y) => x.seq - y.seq);
    return this.sign({ ...b, checkpoint: null, entries: entries.slice(0, 64) });
  }
}
