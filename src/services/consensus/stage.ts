import type { ConsensusService } from './service';
import type { ServiceStage, StageInput, StageResult } from '../service-stage';

/**
 * Consensus as a pipeline stage: once the other services have decided, the replicas (tabs, peers,
 * or an in-page group) agree on that decision through PBFT; the answer is its place in the agreed
 * log, and the certificate proves it. No arithmetic is counted (signatures are not MACs).
 */
export class ConsensusStage implements ServiceStage {
  readonly name = 'consensus' as const;
  readonly afterDecision = true;

  constructor(private readonly consensus: ConsensusService, private readonly timeoutMs = 5_000) {}

  async run({ request, decision }: StageInput): Promise<StageResult> {
    const value = { request: request.id, decision: decision?.value ?? 'none', service: decision?.service ?? 'none' };
    const r = await this.consensus.propose(value, { timeoutMs: this.timeoutMs });
    // A group whose replicas all run in this page (the default local group) tolerates no fault: the answer says so.
    const { replicas, faultsTolerated, allInOnePlace: inPage } = this.consensus.status();
    return {
      decision: `agreed at seq ${r.seq} (view ${r.view})${inPage ? ', in-page group: tolerates no fault' : ''}`,
      confidence: 1,
      energyPj: 0,
      energyModel: 'not counted (signatures)',
      path: 'cpu',
      output: { seq: r.seq, view: r.view, replicas, faultsTolerated, inPage, certificateSize: r.certificate.length, agreedMs: r.timing.ms },
    };
  }
}
