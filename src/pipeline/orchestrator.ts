import { DeviceLostError } from '../errors';
import { MAC_ENERGY_MODEL } from '../metrics/energy';
import type { MetricsRegistry } from '../metrics/registry';
import { aggregate, failureOf, outcomeOf } from './aggregate';
import type { BackendPlan } from '../core/plan';
import { Batcher, type BatcherOptions } from '../core/batcher';
import { Deadline } from '../core/deadline';
import { validateRequest, type AuraRequest, type ValidRequest } from '../core/request';
import type { ServiceOutcome, StageTiming, UnifiedResponse } from './response';
import { SharedTensor } from './handoff';
import type { Packet } from '../services/service-stage';
import type { Breaker, EmbeddingPlacement, RequestRouter, RouteDecision, ServiceStage, StageResult, TextEmbedder } from '../services/service-stage';
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
}

/**
 * The request path: validate → (batched) embed and route → the selected services in parallel →
 * aggregate. Concurrent requests share one embedding run and one gating dispatch.
 */
export class Orchestrator {
  private readonly front: Batcher<ValidRequest, Front>;
  private readonly stages: Map<ServiceName, ServiceStage>;

  constructor(private readonly parts: OrchestratorParts, batching: BatcherOptions = { maxBatch: 32, maxWaitMs: 2 }) {
    this.stages = new Map(parts.stages.map((s) => [s.name, s]));
    this.front = new Batcher((batch) => this.embedAndRoute(batch), batching);
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

  private async answer(input: AuraRequest): Promise<UnifiedResponse> {
    const started = performance.now();
    const request = validateRequest(input);
    const deadline = new Deadline(request.timeoutMs, request.signal);
    let front: Front | undefined;
    try {
      deadline.enter('route');
      const pending = this.front.submit(request);
      front = await deadline.race(pending).catch((error) => {
        // Timed out or cancelled while batched: free its embedding row once the batch is done.
        pending.then((late) => late.embedding?.shared.release(), () => {});
        throw error;
      });
      const { decision } = front;
      const services: Partial<Record<ServiceName, ServiceOutcome>> = {};
      const skipped: UnifiedResponse['route']['skipped'] = [...(decision.excluded ?? [])];
      const results: Partial<Record<ServiceName, StageResult>> = {};
      const perStage: Record<string, StageTiming> = { ...front.timings };
      deadline.enter('services');
      const runStage = async (service: ServiceName, decided?: UnifiedResponse['decision']) => {
        const stage = this.stages.get(service);
        const breaker = this.parts.breakers.get(service);
        if (!stage || (breaker && !breaker.allow())) {
          const reason = !stage ? 'service not running in this runtime' : `circuit breaker ${breaker!.state} after failures`;
          skipped.push({ service, reason });
          services[service] = { status: 'skipped', error: { name: 'Skipped', message: reason } };
          return;
        }
        const t0 = performance.now();
        try {
          const placement = stage.embeddingPlacement?.(request);
          const handed = placement && front!.embedding ? await this.embeddingFor(front!.embedding, placement) : undefined;
          const result = await deadline.race(stage.run({ request, embedding: handed?.packet, byproduct: service === this.parts.embedder?.name ? front!.byproduct : undefined, decision: decided }, deadline));
          breaker?.recordSuccess();
          results[service] = result;
          services[service] = outcomeOf(result);
          perStage[service] = { wallMs: performance.now() - t0, gpuMs: result.gpuMs, path: result.path, input: handed?.handoff };
        } catch (error) {
          if (deadline.signal.aborted) throw deadline.signal.reason;
          // A lost device fails the request (retry it) and says nothing about the service's health.
          if (error instanceof DeviceLostError) throw error;
          breaker?.recordFailure();
          services[service] = failureOf(error);
          perStage[service] = { wallMs: performance.now() - t0 };
        }
      };
      // Services that decide run in parallel; those that act on the decision (consensus) run after.
      const isAfter = (service: ServiceName) => this.stages.get(service)?.afterDecision === true;
      const deciding = decision.selected.filter((c) => !isAfter(c.service));
      await Promise.all(deciding.map(({ service }) => runStage(service)));
      const after = decision.selected.filter((c) => isAfter(c.service));
      if (after.length > 0) {
        deadline.enter('agreement');
        const preliminary = aggregate(deciding, results).decision;
        for (const { service } of after) await runStage(service, preliminary);
      }
      const t0 = performance.now();
      // The embedding serves the router and every stage: its own energy row, not the language service's.
      const summary = aggregate(decision.selected, results, (service) => isAfter(service), { pj: front.embedEnergyPj, model: MAC_ENERGY_MODEL });
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

  /** A request's embedding as a packet, where the stage wants it; each crossing between GPU and CPU is counted. */
  private async embeddingFor(embedding: { shared: SharedTensor; row: number }, placement: EmbeddingPlacement) {
    const { tensor, handoff } = await embedding.shared.row(embedding.row, placement.path, placement.device);
    if (handoff === 'gpu→cpu' || handoff === 'cpu→gpu') {
      this.parts.metrics.counter('aura_tensor_crossings_total', 'Embedding rows moved between GPU and CPU where the plan switched path').inc({ direction: handoff });
    }
    const packet: Packet = { tensor };
    return { packet, handoff };
  }

  private async embedAndRoute(batch: ValidRequest[]): Promise<Front[]> {
    const timings: Record<string, StageTiming> = {};
    const rowOf: Array<number | undefined> = batch.map(() => undefined);
    const embedEnergy = batch.map(() => 0);
    const byproducts: unknown[] = batch.map(() => undefined);
    const withText = batch.map((r, i) => [r.text, i] as const).filter(([text]) => text !== undefined);
    let shared: SharedTensor | undefined;
    if (withText.length > 0 && this.parts.embedder) {
      const t0 = performance.now();
      const { tensor, release, gpuMs, path, energyPj, byproducts: made } = await this.parts.embedder.embed(withText.map(([text]) => text!));
      shared = new SharedTensor(tensor, withText.length, release);
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
      return batch.map((_, i) => ({
        embedding: rowOf[i] === undefined ? undefined : { shared: shared!, row: rowOf[i]! },
        byproduct: byproducts[i],
        embedEnergyPj: embedEnergy[i],
        decision: decisions[i],
        timings,
        batchSize: batch.length,
      }));
    } catch (error) {
      for (let j = 0; j < withText.length; j++) shared?.release();
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
