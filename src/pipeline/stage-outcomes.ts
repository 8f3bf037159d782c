import { DeviceLostError } from '../errors';
import type { Deadline } from '../core/deadline';
import type { Handoff } from '../gpu/tensor';
import type { ServiceName } from '../core/names';
import type { Breaker, StageResult } from '../services/service-stage';
import { failureOf, outcomeOf } from './aggregate';
import type { ServiceOutcome, StageTiming, UnifiedResponse } from './response';

/** What the stages gave one request so far: its outcomes, results, timings and skipped services. */
export interface StageOutcomes {
  services: Partial<Record<ServiceName, ServiceOutcome>>;
  results: Partial<Record<ServiceName, StageResult>>;
  perStage: Record<string, StageTiming>;
  skipped: UnifiedResponse['route']['skipped'];
  /** A failure that fails the whole request (a lost device: retry it), not only the stage. */
  fatal?: unknown;
}

export function emptyOutcomes(skipped: UnifiedResponse['route']['skipped'] = []): StageOutcomes {
  return { services: {}, results: {}, perStage: {}, skipped: [...skipped] };
}

/** Records a service the request chose but cannot run (not running here, or its breaker open). */
export function recordSkipped(outcomes: StageOutcomes, service: ServiceName, reason: string): void {
  outcomes.skipped.push({ service, reason });
  outcomes.services[service] = { status: 'skipped', error: { name: 'Skipped', message: reason } };
}

/**
 * Records how one stage ended for one request, on its breaker too. A failure after the request's
 * deadline passed is the deadline's (the request fails by it), and a lost device fails the request
 * and says nothing about the service's health.
 */
export function recordSettled(
  outcomes: StageOutcomes,
  service: ServiceName,
  settled: { result: StageResult } | { error: unknown },
  context: { deadline: Deadline; breaker?: Breaker; startedAt: number; handoff?: Handoff },
): void {
  const wallMs = performance.now() - context.startedAt;
  if ('result' in settled) {
    const { result } = settled;
    context.breaker?.recordSuccess();
    outcomes.results[service] = result;
    outcomes.services[service] = outcomeOf(result);
    outcomes.perStage[service] = { wallMs, gpuMs: result.gpuMs, path: result.path, input: context.handoff };
    return;
  }
  if (context.deadline.signal.aborted) {
    outcomes.fatal ??= context.deadline.signal.reason;
    return;
  }
  if (settled.error instanceof DeviceLostError) {
    outcomes.fatal ??= settled.error;
    return;
  }
  context.breaker?.recordFailure();
  outcomes.services[service] = failureOf(settled.error);
  outcomes.perStage[service] = { wallMs };
}
