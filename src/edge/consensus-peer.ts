import {
  ConsensusConfigError, Ed25519Signer, Ed25519Verifier, WebRtcTransport, WebSocketSignaling, createConsensus, verifyRoster,
  type ConsensusService, type ConsensusStatus, type Ed25519Identity, type PbftReplicaConfig, type Roster, type SignedRoster,
} from '../services/consensus/index';
import { installNodeWebRtc } from './node-webrtc';

/**
 * The edge node as a consensus peer: one replica of the same PBFT group as browser tabs, over the
 * same WebRTC transport (data channels, werift in Node) and the same signaling relay. Everything
 * the tabs check, it checks, because it runs their code: the roster is valid only when every member
 * signed it; signaling and consensus messages are signed per member and verified; messages from keys
 * outside the roster, oversized or malformed ones are refused and counted (`status().faults`).
 */
export interface ConsensusPeerOptions {
  identity: Ed25519Identity;
  /** The group's roster, signed by every member (its members are the tabs' and nodes' public keys, in replica-id order). */
  signed: SignedRoster;
  /** The signaling relay, ws://host:port/ (src/edge/signaling.ts). */
  signalingUrl: string;
  /** Signaling room (default: the roster's group name); tabs use the same one. */
  room?: string;
  /** Address WebRTC binds to (default 127.0.0.1). */
  host?: string;
  config?: Omit<PbftReplicaConfig, 'n' | 'id' | 'quorum'>;
}

export interface ConsensusPeer {
  service: ConsensusService;
  id: number;
  roster: Roster;
  /** The latest executed values, `<seq>:<index>:<json>`, oldest first (at most DECISIONS_KEPT). */
  decisions(): string[];
  status(): ConsensusStatus & { room: string; rejectedSignals: number };
  close(): Promise<void>;
}

export const DECISIONS_KEPT = 1_024;

export async function startConsensusPeer(options: ConsensusPeerOptions): Promise<ConsensusPeer> {
  const roster = await verifyRoster(options.signed);
  const id = roster.members.indexOf(options.identity.publicKeyHex);
  if (id < 0) throw new ConsensusConfigError("this node's public key is not in the roster", `add ${options.identity.publicKeyHex} to the roster's members and collect every member's signature again`);
  installNodeWebRtc({ host: options.host });
  const room = options.room ?? roster.group;
  const transport = new WebRtcTransport({
    self: id, members: roster.members.map((_, k) => k), iceServers: [],
    signaling: new WebSocketSignaling(options.signalingUrl, room, id),
    signer: new Ed25519Signer(id, options.identity.privateKey), verifier: new Ed25519Verifier(roster.members),
  });
  const service = createConsensus({ id, members: roster.members, privateKey: options.identity.privateKey, transport, config: options.config });
  const log: string[] = [];
  service.onDecision((d) => {
    log.push(`${d.seq}:${d.index}:${JSON.stringify(d.value)}`);
    if (log.length > DECISIONS_KEPT) log.shift();
  });
  return {
    service, id, roster,
    decisions: () => log.slice(),
    status: () => ({ ...service.status(), room, rejectedSignals: transport.rejectedSignals }),
    close: () => service.close(),
  };
}

