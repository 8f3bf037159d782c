import { sumEnergy, type EnergyCount } from '../metrics/energy';
import type { ServiceOutcome, UnifiedResponse } from './response';
import type { RouteChoice, StageResult } from '../services/service-stage';
import type { ServiceName } from '../core/names';

/**
 * The decision comes from the highest-weighted service that succeeded; confidence is the weighted
 * mean of the succeeded services' confidences, scaled by the share of route weight that succeeded
 * (a response whose main service failed is less sure).
 */
export function aggregate(
  selected: RouteChoice[],
  results: Partial<Record<ServiceName, StageResult>>,
  /** Services that act on the decision rather than make it (consensus): they decide only alone. */
  actsOnDecision: (service: ServiceName) => boolean = () => false,
  /** The shared embedding run's energy: its own row, since it serves the router and every stage. */
  embedding?: { pj: number; model: string },
): Pick<UnifiedResponse, 'decision' | 'confidence' | 'energy'> {
  let weightAll = 0;
  let weighted = 0;
  for (const choice of selected) {
    weightAll += choice.weight;
    const result = results[choice.service];
    if (result) weighted += choice.weight * result.confidence;
  }
  const succeeded = selected.filter((c) => results[c.service]);
  const deciding = succeeded.filter((c) => !actsOnDecision(c.service));
  const best = (deciding.length > 0 ? deciding : succeeded).reduce<RouteChoice | undefined>((a, c) => (!a || c.weight > a.weight ? c : a), undefined);
  // The weighted mean over the succeeded, times their share of the weight, is Σ w·c over all selected.
  const confidence = weightAll > 0 ? weighted / weightAll : 0;
  return {
    decision: best ? { service: best.service, value: results[best.service]!.decision } : { service: 'none', value: 'no service succeeded' },
    confidence: Math.min(1, Math.max(0, confidence)),
    energy: energyWithEmbedding(results, embedding),
  };
}

function energyWithEmbedding(results: Partial<Record<ServiceName, StageResult>>, embedding?: { pj: number; model: string }): UnifiedResponse['energy'] {
  const rows: Array<EnergyCount<ServiceName | 'embedding'>> = [...energyOf(results)];
  if (embedding && embedding.pj > 0) rows.push({ service: 'embedding', ...embedding });
  const { totalPj, perService: { embedding: embeddingPj, ...perService }, model } = sumEnergy(rows);
  return embeddingPj === undefined ? { totalPj, perService, model } : { totalPj, perService, embeddingPj, model };
}

function* energyOf(results: Partial<Record<ServiceName, StageResult>>): Generator<EnergyCount<ServiceName>> {
  for (const [service, result] of Object.entries(results) as Array<[ServiceName, StageResult]>) yield { service, pj: result.energyPj, model: result.energyModel };
}

export function outcomeOf(result: StageResult): ServiceOutcome {
  return { status: 'ok', decision: result.decision, confidence: result.confidence, path: result.path, output: result.output };
}

export function failureOf(error: unknown): ServiceOutcome {
  const e = error instanceof Error ? error : new Error(String(error));
  return { status: 'failed', error: { name: e.name, code: (e as { code?: string }).code, message: e.message } };
}
