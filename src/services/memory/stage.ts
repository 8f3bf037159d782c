import { MAC_ENERGY_MODEL, macEnergyPj } from '../../metrics/energy';
import type { MemoryService } from './memory-service';
import { elementsOf } from '../../gpu/tensor';
import type { ServiceStage, StageInput, StageResult } from '../service-stage';
import type { MemoryNotes } from './memory-notes';

/**
 * Memory as a pipeline stage. With `notes`, text is a note: "remember that X" stores X (the user's
 * explicit act), any other text recalls the closest notes. Without, it only recalls. Text is matched by its embedding (cosine); a series by
 * the shape of its delay embedding (persistent homology signature).
 */
export class MemoryStage implements ServiceStage {
  readonly name = 'memory' as const;

  /** `notes`: where a text request is a note to remember or a question about notes (its own embedding run). */
  constructor(private readonly memory: MemoryService, private readonly dimension: number, private readonly notes?: MemoryNotes) {}

  /** On the GPU path the search reads the embedding where it is, if it lives on the memory's device. */
  embeddingPlacement() {
    return { path: this.memory.backend, device: this.memory.device };
  }

  async run({ request, embedding }: StageInput): Promise<StageResult> {
    const path = this.memory.backend;
    if (request.text !== undefined && this.notes) {
      const searched = this.memory.vectorCount;
      const a = await this.notes.answer(request.text);
      const searchPj = a.output.intent.kind === 'recall' ? macEnergyPj(searched * this.dimension) : 0;
      return { decision: a.decision, confidence: a.confidence, energyPj: a.energyPj + searchPj, energyModel: MAC_ENERGY_MODEL, path, output: a.output };
    }
    if (embedding && elementsOf(embedding.tensor) === this.dimension) {
      const { results: matches, ms } = await this.memory.queryWithInfo(embedding.tensor, 3, { metric: 'cosine' });
      const best = matches[0];
      return {
        decision: best ? `recalls '${best.key}' (cosine ${best.score.toFixed(3)})` : 'nothing stored yet',
        confidence: best ? Math.max(0, Math.min(1, best.score)) : 0,
        energyPj: macEnergyPj(this.memory.vectorCount * this.dimension),
        energyModel: MAC_ENERGY_MODEL,
        gpuMs: path === 'gpu' ? ms : undefined,
        path,
        output: { matches, searched: this.memory.vectorCount },
      };
    }
    if (request.series && request.series.length >= 8) {
      const { results, diagram } = await this.memory.queryShape({ series: request.series }, 3);
      const best = results[0];
      return {
        decision: best ? `shape like '${best.key}' (distance ${best.distance.toFixed(3)})` : 'no shapes stored yet',
        confidence: best ? 1 / (1 + best.distance) : 0,
        // Pairwise distances of the delay-embedded points dominate: n² · dimension MACs, bounded by n².
        energyPj: macEnergyPj(request.series.length ** 2),
        energyModel: MAC_ENERGY_MODEL,
        path,
        output: { matches: results, diagram },
      };
    }
    return { decision: 'nothing to recall by', confidence: 0, energyPj: 0, energyModel: MAC_ENERGY_MODEL, path, output: null };
  }
}
