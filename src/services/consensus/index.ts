// Consensus: PBFT among tabs and peers. See README.md in this folder.
export { createConsensus, ConsensusService, type ConsensusOptions, type ConsensusStatus, type ProposeResult } from './service';
export { PbftReplica, digestRequests as digestConsensusRequests, type ReplicaConfig as PbftReplicaConfig, type Decision as ConsensusDecision, type FaultKind as ConsensusFaultKind } from './replica';
export { PbftNode, signingText as consensusSigningText } from './node';
export { parseEnvelope as parseConsensusEnvelope, type Envelope as ConsensusEnvelope, type Body as ConsensusMessageBody } from './messages';
export {
  Ed25519Signer, Ed25519Verifier, SimulatedSigner, SimulatedVerifier, generateEd25519Identity, exportEd25519Identity,
  importEd25519Identity, type ConsensusSigner, type ConsensusVerifier, type Ed25519Identity,
} from './signer';
export type { ConsensusTransport } from './transport';
export { BroadcastChannelTransport } from './broadcast-transport';
export { WebRtcTransport, type WebRtcTransportOptions } from './webrtc-transport';
export { BroadcastChannelSignaling, WebSocketSignaling, type SignalingChannel, type SignalMessage } from './signaling';
export { AuthenticatedSignaling, signalSigningText } from './authenticated-signaling';
export { runScenario as runConsensusScenario, randomScenario as randomConsensusScenario, type Scenario as ConsensusScenario, type ScenarioResult as ConsensusScenarioResult } from './simulator';
export { MalformedMessageError, ConsensusConfigError, ConsensusTimeoutError, ConsensusClosedError } from './errors';
export { loadOrCreateIdentity } from './identity-store';
export { signRoster, verifyRoster, rosterSigningText, type Roster, type SignedRoster } from './roster';
export type { ConsensusEvent } from './events';
export { watchRejections, REJECTION_MEANING, type RejectionEntry } from './rejections';
export { joinTabGroup, type TabGroup, type TabGroupOptions } from './tab-group';
