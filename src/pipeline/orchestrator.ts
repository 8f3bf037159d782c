import { MAC_ENERGY_MODEL } from '../metrics/energy';
import type { MetricsRegistry } from '../metrics/registry';
import { aggregate } from './aggregate';
import { emptyOutcomes, recordSettled, recordSkipped, type StageOutcomes } from './stage-outcomes';
import type { BackendPlan } from '../core/plan';
import { Batcher, type BatcherOptions } from '../core/batcher';
import { Deadline } from '../core/deadline';
import { validateRequest, type AuraRequest, type ValidRequest } from '../core/request';
import type { StageTiming, UnifiedResponse } from './response';
import { SharedTensor } from './handoff';
import type { Packet } from '../services/service-stage';
import type { Breaker, EmbeddingPlacement, RequestRouter, RouteDecision, ServiceStage, StageInput, StageResult, TextEmbedder } from '../services/service-stage';
import type { ServiceName } from '../core/names';

export interface OrchestratorParts {
  /** Embeds request text for routing; absent when no language service runs. */
  embedder?: TextEmbedder;
  router: RequestRouter;
  stages: ServiceStage[];
  breakers: Map<ServiceName, Breaker>;
  metrics: MetricsRegistry;
  /** The backend plan, so each stage's timing says why it ran on its path. */
  plan?: BackendPlan;
}

/** Pipeline stage → the planned stage that decides its path. */
const PLANNED_BY: Record<string, string> = { embed: 'language', route: 'router' };

interface Front {
  /** This request's row of the batch's embedding tensor (which stays where BERT ran until a stage needs it elsewhere). */
  embedding?: { shared: SharedTensor; row: number };
  /** What the embedding run also computed for this request, for the embedder's own stage. */
  byproduct?: unknown;
  /** Energy of embedding this request's text (counted for the language service). */
  embedEnergyPj: number;
  decision: RouteDecision;
  timings: Record<string, StageTiming>;
  batchSize: number;
  /** The deciding stages this request chose, run over the batch: settles once this request's have answered. */
  deciding?: Promise<StageOutcomes>;
}

/** A request waiting in the front batch, with its deadline (the batch checks it before stage work). */
interface Member {
  request: ValidRequest;
  deadline: Deadline;
}

/**
 * The request path: validate → (batched) embed and route → the selected services → aggregate.
 * Concurrent requests share one embedding run, one gating dispatch and, per service that several of
 * them chose, one stage run over the batch (`runBatch`); each request is answered as it is alone.
 */
export class Orchestrator {
  private readonly front: Batcher<Member, Front>;
  private readonly stages: Map<ServiceName, ServiceStage>;

  constructor(private readonly parts: OrchestratorParts, batching: BatcherOptions = { maxBatch: 32, maxWaitMs: 2 }) {
    this.stages = new Map(parts.stages.map((s) => [s.name, s]));
    this.front = new Batcher((batch) => this.frontBatch(batch), batching);
  }

  /** Answers one request; every request is counted in aura_requests_total, a rejected one by its error's code. */
  async handle(input: AuraRequest): Promise<UnifiedResponse> {
    const requests = this.parts.metrics.counter('aura_requests_total', 'Requests by outcome: ok, or the error code');
    try {
      const response = await this.answer(input);
      requests.inc({ outcome: 'ok' });
      return response;
    } catch (error) {
      // Only AuraError codes are strings: a DOMException's `code` is a number.
      const code = (error as { code?: unknown })?.code;
      requests.inc({ outcome: typeof code === 'string' ? code.toLowerCase() : 'error' });
      throw error;
    }
  }

  private isAfter(service: ServiceName): boolean {
    return this.stages.get(service)?.afterDecision === true;
  }

  private async answer(input: AuraRequest): Promise<UnifiedResponse> {
    const started = performance.now();
    const request = validateRequest(input);
    const deadline = new Deadline(request.timeoutMs, request.signal);
    let front: Front | undefined;
    try {
      deadline.enter('route');
      const pending = this.front.submit({ request, deadline });
      front = await deadline.race(pending).catch((error) => {
        // Timed out or cancelled while batched: free its embedding row once the batch is done.
        pending.then((late) => late.embedding?.shared.release(), () => {});
        throw error;
      });
      const { decision } = front;
      deadline.enter('services');
      const outcomes = await deadline.race(front.deciding!);
      if (outcomes.fatal !== undefined) throw outcomes.fatal;
      const { services, results, skipped } = outcomes;
      const perStage: Record<string, StageTiming> = { ...front.timings, ...outcomes.perStage };
      // Services that decide ran over the batch; those that act on the decision (consensus) run after, per request.
      const deciding = decision.selected.filter((c) => !this.isAfter(c.service));
      const after = decision.selected.filter((c) => this.isAfter(c.service));
      if (after.length > 0) {
        deadline.enter('agreement');
        const preliminary = aggregate(deciding, results).decision;
        for (const { service } of after) {
          await this.runAlone(service, { request, deadline }, front, outcomes, preliminary);
          if (outcomes.fatal !== undefined) throw outcomes.fatal;
        }
        Object.assign(perStage, outcomes.perStage);
      }
      const t0 = performance.now();
      // The embedding serves the router and every stage: its own energy row, not the language service's.
      const summary = aggregate(decision.selected, results, (service) => this.isAfter(service), { pj: front.embedEnergyPj, model: MAC_ENERGY_MODEL });
      perStage.aggregate = { wallMs: performance.now() - t0, path: 'cpu' };
      for (const [stage, timing] of Object.entries(perStage)) {
        const planned = this.parts.plan?.stages[PLANNED_BY[stage] ?? stage];
        if (planned && timing.path === planned.path) timing.why = planned.why;
      }
      const totalMs = performance.now() - started;
      this.observe(perStage, totalMs, summary.energy.perService);
      return {
        id: request.id,
        ...summary,
        route: { selected: decision.selected, skipped, reason: decision.reason, auxLoss: decision.auxLoss },
        services,
        timings: { perStage, totalMs },
        batchSize: front.batchSize,
      };
    } finally {
      front?.embedding?.shared.release();
      deadline.dispose();
    }
  }

  /** The front batch: one embedding run and one gating dispatch, then the deciding stages over the batch. */
  private async frontBatch(members: Member[]): Promise<Front[]> {
    const { fronts, shared } = await this.embedAndRoute(members.map((m) => m.request));
    const outcomes = fronts.map((f) => emptyOutcomes(f.decision.excluded));
    const groups = new Map<ServiceName, number[]>();
    members.forEach(({ deadline }, i) => {
      try {
        deadline.enter('services');
      } catch {
        return; // Past its deadline already: no stage work for it (its request fails by the deadline).
      }
      for (const { service } of fronts[i].decision.selected) {
        if (this.isAfter(service)) continue;
        const stage = this.stages.get(service);
        const breaker = this.parts.breakers.get(service);
        if (!stage || (breaker && !breaker.allow())) {
          recordSkipped(outcomes[i], service, !stage ? 'service not running in this runtime' : `circuit breaker ${breaker!.state} after failures`);
        } else (groups.get(service) ?? groups.set(service, []).get(service)!).push(i);
      }
    });
    const waits: Array<Array<Promise<void>>> = members.map(() => []);
    for (const [service, indices] of groups) {
      const settled = this.runGroup(service, indices.map((i) => ({ member: members[i], front: fronts[i], outcomes: outcomes[i] })));
      indices.forEach((i, j) => waits[i].push(settled[j]));
    }
    fronts.forEach((front, i) => (front.deciding = Promise.all(waits[i]).then(() => outcomes[i])));
    // The stages hold the batch's embedding until the last of them has answered.
    void Promise.allSettled(waits.flat()).then(() => shared?.release());
    return fronts;
  }

  /**
   * One service over the members of a batch that chose it: one `runBatch` where the stage shares work
   * across requests, else `run` per member. Each member's promise settles when its own result is in.
   */
  private runGroup(service: ServiceName, members: Array<{ member: Member; front: Front; outcomes: StageOutcomes }>): Array<Promise<void>> {
    const stage = this.stages.get(service)!;
    const breaker = this.parts.breakers.get(service);
    const startedAt = performance.now();
    const handed = members.map(async ({ member, front }) => {
      const placement = stage.embeddingPlacement?.(member.request);
      return placement && front.embedding ? this.embeddingFor(front.embedding, placement) : undefined;
    });
    const all = Promise.allSettled(handed).then((hand) => {
      const ready = members.flatMap((m, j) => (hand[j].status === 'fulfilled' ? [j] : []));
      const inputs = ready.map((j) => this.stageInput(service, members[j].member, members[j].front, (hand[j] as PromiseFulfilledResult<{ packet: Packet } | undefined>).value?.packet));
      const deadlines = ready.map((j) => members[j].member.deadline);
      const alone = () => inputs.map((input, r) => stage.run(input, deadlines[r]));
      let runs: Array<Promise<StageResult>>;
      try {
        runs = stage.runBatch && ready.length > 1 ? stage.runBatch(inputs, deadlines) : alone();
      } catch {
        runs = alone(); // A batch the stage refused outright: each member alone says whose input it was.
      }
      return { hand, ready, runs };
    });
    return members.map(({ member, outcomes }, j) =>
      all.then(async ({ hand, ready, runs }) => {
        const context = { deadline: member.deadline, breaker, startedAt };
        const given = hand[j];
        if (given.status === 'rejected') return recordSettled(outcomes, service, { error: given.reason }, context);
        const settled = await runs[ready.indexOf(j)].then((result) => ({ result }), (error: unknown) => ({ error }));
        recordSettled(outcomes, service, settled, { ...context, handoff: given.value?.handoff });
      }),
    );
  }

  /** A stage that acts on the decision (consensus), for one request. */
  private async runAlone(service: ServiceName, member: Member, front: Front, outcomes: StageOutcomes, decided: UnifiedResponse['decision']): Promise<void> {
    const stage = this.stages.get(service);
    const breaker = this.parts.breakers.get(service);
    if (!stage || (breaker && !breaker.allow())) {
      return recordSkipped(outcomes, service, !stage ? 'service not running in this runtime' : `circuit breaker ${breaker!.state} after failures`);
    }
    const startedAt = performance.now();
    const context = { deadline: member.deadline, breaker, startedAt };
    try {
      const placement = stage.embeddingPlacement?.(member.request);
      const handed = placement && front.embedding ? await this.embeddingFor(front.embedding, placement) : undefined;
      const result = await member.deadline.race(stage.run({ ...this.stageInput(service, member, front, handed?.packet), decision: decided }, member.deadline));
      recordSettled(outcomes, service, { result }, { ...context, handoff: handed?.handoff });
    } catch (error) {
      recordSettled(outcomes, service, { error }, context);
    }
  }

  private stageInput(service: ServiceName, member: Member, front: Front, embedding?: Packet): StageInput {
    return { request: member.request, embedding, byproduct: service === this.parts.embedder?.name ? front.byproduct : undefined };
  }

  /** A request's embedding as a packet, where the stage wants it; each crossing between GPU and CPU is counted. */
  private async embeddingFor(embedding: { shared: SharedTensor; row: number }, placement: EmbeddingPlacement) {
    const { tensor, handoff } = await embedding.shared.row(embedding.row, placement.path, placement.device);
    if (handoff === 'gpu→cpu' || handoff === 'cpu→gpu') {
      this.parts.metrics.counter('aura_tensor_crossings_total', 'Embedding rows moved between GPU and CPU where the plan switched path').inc({ direction: handoff });
    }
    const packet: Packet = { tensor };
    return { packet, handoff };
  }

  /** One embedding run for the batch's texts and one gating dispatch; the shared embedding has one extra user, the batch's stages. */
  private async embedAndRoute(batch: ValidRequest[]): Promise<{ fronts: Front[]; shared?: SharedTensor }> {
    const timings: Record<string, StageTiming> = {};
    const rowOf: Array<number | undefined> = batch.map(() => undefined);
    const embedEnergy = batch.map(() => 0);
    const byproducts: unknown[] = batch.map(() => undefined);
    const withText = batch.map((r, i) => [r.text, i] as const).filter(([text]) => text !== undefined);
    let shared: SharedTensor | undefined;
    if (withText.length > 0 && this.parts.embedder) {
      const t0 = performance.now();
      const { tensor, release, gpuMs, path, energyPj, byproducts: made } = await this.parts.embedder.embed(withText.map(([text]) => text!));
      shared = new SharedTensor(tensor, withText.length + 1, release);
      withText.forEach(([, i], j) => {
        rowOf[i] = j;
        embedEnergy[i] = energyPj[j];
        byproducts[i] = made?.[j];
      });
      timings.embed = { wallMs: performance.now() - t0, gpuMs, path };
    }
    try {
      const available = [...this.stages.keys()];
      const t0 = performance.now();
      const placement = this.parts.router.embeddingPlacement();
      const handed = await Promise.all(batch.map((r, i) => (rowOf[i] === undefined ? undefined : this.embeddingFor({ shared: shared!, row: rowOf[i]! }, placement))));
      const { decisions, gpuMs, path } = await this.parts.router.route(
        batch.map((request, i) => ({ request, embedding: handed[i]?.packet.tensor })),
        available,
      );
      timings.route = { wallMs: performance.now() - t0, gpuMs, path, input: handed.find((h) => h)?.handoff };
      const fronts = batch.map((_, i) => ({
        embedding: rowOf[i] === undefined ? undefined : { shared: shared!, row: rowOf[i]! },
        byproduct: byproducts[i],
        embedEnergyPj: embedEnergy[i],
        decision: decisions[i],
        timings,
        batchSize: batch.length,
      }));
      return { fronts, shared };
    } catch (error) {
      for (let j = 0; j <= withText.length; j++) shared?.release();
      throw error;
    }
  }

  private observe(perStage: Record<string, StageTiming>, totalMs: number, energy: Partial<Record<ServiceName, number>>): void {
    // Prometheus base units: joules and seconds (the services count pJ and ms).
    const joules = this.parts.metrics.counter('aura_energy_joules_total', 'Energy counted by the services, joules');
    for (const [service, pj] of Object.entries(energy)) joules.inc({ service }, pj * 1e-12);
    const stageSeconds = this.parts.metrics.histogram('aura_stage_duration_seconds', 'Wall time per stage, seconds');
    for (const [stage, t] of Object.entries(perStage)) stageSeconds.observe(t.wallMs / 1000, { stage, path: t.path ?? 'cpu' });
    this.parts.metrics.histogram('aura_request_duration_seconds', 'Whole-request wall time, seconds').observe(totalMs / 1000);
  }
}
