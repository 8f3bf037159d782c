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

  /**
   * `inPage`: every replica runs in this page with keys it made itself (the default local group), so
   * one fault (this page) takes them all: the answer says it tolerates no fault.
   */
  constructor(private readonly consensus: ConsensusService, private readonly timeoutMs = 5_000, private readonly inPage = false) {}

  async run({ request, decision }: StageInput): Promise<StageResult> {
    const value = { request: request.id, decision: decision?.value ?? 'none', service: decision?.service ?? 'none' };
    const r = await this.consensus.propose(value, { timeoutMs: this.timeoutMs });
    const { replicas, f } = this.consensus.status();
    const faultsTolerated = this.inPage ? 0 : f;
    return {
      decision: `agreed at seq ${r.seq} (view ${r.view})${this.inPage ? ', in-page group: tolerates no fault' : ''}`,
      confidence: 1,
      energyPj: 0,
      energyModel: 'not counted (signatures)',
      path: 'cpu',
      output: { seq: r.seq, view: r.view, replicas, faultsTolerated, inPage: this.inPage, certificateSize: r.certificate.length, agreedMs: r.timing.ms },
    };
  }
}
