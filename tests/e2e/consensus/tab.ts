// One consensus replica per page, driven by Playwright. Imports the service directly (no GPU needed).
import {
  BroadcastChannelTransport, ConsensusService, Ed25519Signer, Ed25519Verifier, WebRtcTransport, WebSocketSignaling, consensusSigningText,
  createConsensus, digestConsensusRequests, exportEd25519Identity, generateEd25519Identity, importEd25519Identity, loadOrCreateIdentity,
  signRoster, type Roster, type ConsensusEnvelope, type ConsensusMessageBody, type Ed25519Identity, type PbftReplicaConfig,
} from '../../../src/services/consensus/index';
import { MetricsRegistry } from '../../../src/metrics/registry';
import { countConsensus } from '../../../src/runtime/consensus-metrics';
import { createDefaultConsensus } from '../../../src/services/consensus/default-group';

type Json = Parameters<ConsensusService['propose']>[0];

let identity: Ed25519Identity | null = null;
let service: ConsensusService | null = null;
let rtc: WebRtcTransport | null = null;
const decisions: string[] = [];
const metrics = new MetricsRegistry();

export interface StartOptions {
  id: number;
  members: string[];
  transport: 'broadcast-channel' | 'webrtc';
  group: string;
  signalingUrl?: string;
  config?: Omit<PbftReplicaConfig, 'n' | 'id' | 'quorum'>;
}

export const consensusTab = {
  async makeIdentity(exportable = false) {
    identity = await generateEd25519Identity(exportable);
    return exportable ? exportEd25519Identity(identity) : { publicKeyHex: identity.publicKeyHex, privateKeyHex: '' };
  },

  /** The identity kept in IndexedDB under `name`: the same key after a reload. */
  async loadIdentity(name: string) {
    const stored = await loadOrCreateIdentity(name);
    identity = stored;
    return { publicKeyHex: stored.publicKeyHex, created: stored.created };
  },

  metrics: () => metrics.expose(),

  /** This tab's signature on a roster (a group with edge nodes: every member signs it). */
  signRoster: (roster: Roster, id: number) => signRoster(roster, new Ed25519Signer(id, identity!.privateKey)),

  /** A tab that is no member: floods the group's channel with forged, malformed and oversized frames. */
  async flood(group: string, count: number): Promise<void> {
    const channel = new BroadcastChannel(group);
    const outsider = await generateEd25519Identity();
    for (let k = 0; k < count; k++) {
      const body: ConsensusMessageBody = { t: 'prepare', view: 0, seq: 1 + k, digest: 'e'.repeat(64) };
      channel.postMessage(`*|${JSON.stringify({ from: 1, body, sig: await new Ed25519Signer(1, outsider.privateKey).sign(consensusSigningText(1, body)) })}`);
      channel.postMessage(`*|{"from":2,"body":`);
    }
    channel.close();
  },

  async start(o: StartOptions) {
    if (!identity) throw new Error('makeIdentity first');
    const transport = o.transport === 'broadcast-channel'
      ? new BroadcastChannelTransport(o.id, o.group)
      : (rtc = new WebRtcTransport({
        self: o.id, members: o.members.map((_, i) => i), signaling: new WebSocketSignaling(o.signalingUrl!, o.group, o.id), iceServers: [],
        signer: new Ed25519Signer(o.id, identity.privateKey), verifier: new Ed25519Verifier(o.members),
      }));
    service = createConsensus({ id: o.id, members: o.members, privateKey: identity.privateKey, transport, config: o.config });
    countConsensus(service, metrics);
    service.onDecision((d) => decisions.push(`${d.seq}:${d.index}:${JSON.stringify(d.value)}`));
  },

  /** What createAura does in a page: a group across tabs when 3+ other tabs are there, else in-page. */
  async joinTabs() {
    const group = await createDefaultConsensus();
    service = group.proposer;
    countConsensus(service, metrics);
    service.onDecision((d) => decisions.push(`${d.seq}:${d.index}:${JSON.stringify(d.value)}`));
    return { inPage: group.inPage, id: service.status().id, f: service.status().f };
  },

  async proposeMany(values: Json[], timeoutMs = 30_000) {
    const results = await Promise.all(values.map((v) => service!.propose(v, { timeoutMs })));
    return results.map((r) => ({ value: r.value, view: r.view, seq: r.seq, certificate: r.certificate.length, ms: r.timing.ms }));
  },

  decisions: () => decisions.slice(),
  status: () => service!.status(),
  connectedPeers: () => rtc?.connectedPeers() ?? [],
  disconnect: (peer: number) => rtc?.disconnect(peer),

  /** Sends hostile input straight into this replica, as a peer would. */
  async hostile(): Promise<void> {
    const s = service!;
    await s.deliverRaw('{"from":1,');
    await s.deliverRaw({ from: 1, body: { t: 'prepare', view: 'nan' }, sig: 'zz' });
    const outsider = await generateEd25519Identity();
    const body: ConsensusMessageBody = { t: 'commit', view: 0, seq: 1, digest: 'f'.repeat(64) };
    await s.deliverRaw({ from: 9, body, sig: await new Ed25519Signer(9, outsider.privateKey).sign(consensusSigningText(9, body)) });
    await s.deliverRaw({ from: 2, body, sig: await new Ed25519Signer(2, outsider.privateKey).sign(consensusSigningText(2, body)) });
  },

  /** Replays every frame seen on the channel so far into this replica. */
  async replayFrames(group: string, ms: number): Promise<number> {
    const frames: string[] = [];
    const spy = new BroadcastChannel(group);
    spy.onmessage = (e) => frames.push(e.data as string);
    await new Promise((r) => setTimeout(r, ms));
    spy.close();
    for (const f of frames) await service!.deliverRaw(f.slice(f.indexOf('|') + 1));
    return frames.length;
  },

  /**
   * A Byzantine leader holding replica 0's key: for every client request it sends one pre-prepare to
   * replica 1 and a conflicting one (with its own request) to replicas 2 and 3, plus matching commits.
   */
  async equivocate(exported: { privateKeyHex: string; publicKeyHex: string }, group: string): Promise<void> {
    const key = await importEd25519Identity(exported);
    const signer = new Ed25519Signer(0, key.privateKey);
    const channel = new BroadcastChannel(group);
    const seal = async (body: ConsensusMessageBody): Promise<ConsensusEnvelope> => ({ from: 0, body, sig: await signer.sign(consensusSigningText(0, body)) });
    const post = (to: number, env: ConsensusEnvelope) => channel.postMessage(`${to}|${JSON.stringify(env)}`);
    let seq = 0;
    let reqId = 0;
    channel.onmessage = async (e) => {
      const text = e.data as string;
      const env = JSON.parse(text.slice(text.indexOf('|') + 1)) as ConsensusEnvelope;
      if (env.body.t !== 'request' || env.from === 0) return;
      const s = ++seq;
      const evil = await seal({ t: 'request', client: 0, session: 1, reqId: ++reqId, value: `evil-${s}` });
      const a = [env as ConsensusEnvelope<Extract<ConsensusMessageBody, { t: 'request' }>>];
      const b = [evil as ConsensusEnvelope<Extract<ConsensusMessageBody, { t: 'request' }>>];
      const da = digestConsensusRequests(a);
      const db = digestConsensusRequests(b);
      post(1, await seal({ t: 'pre-prepare', view: 0, seq: s, digest: da, requests: a }));
      post(1, await seal({ t: 'commit', view: 0, seq: s, digest: da }));
      for (const to of [2, 3]) {
        post(to, await seal({ t: 'pre-prepare', view: 0, seq: s, digest: db, requests: b }));
        post(to, await seal({ t: 'commit', view: 0, seq: s, digest: db }));
      }
    };
  },
};
