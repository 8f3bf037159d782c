import { MAC_ENERGY_MODEL, macEnergyPj } from '../../metrics/energy';
import type { LanguageClassResult, LanguageService } from './language-service';
import type { Tensor } from '../../gpu/tensor';
import type { ServiceStage, StageInput, StageResult, TextEmbedder } from '../service-stage';

interface BertDims {
  hiddenSize: number;
  layers: number;
  intermediateSize: number;
  labels: number;
}

/**
 * Multiply-accumulates of one BERT forward pass over `tokens` tokens, counted from the model's
 * dimensions: per layer Q, K, V and output projections (4·L·H²), attention scores and mixing (2·L²·H)
 * and the feed-forward block (2·L·H·I); then the pooler (H²) and the classifier (H·labels).
 */
export function bertMacs(dims: BertDims, tokens: number): number {
  const { hiddenSize: h, layers, intermediateSize: i, labels } = dims;
  const perLayer = 4 * tokens * h * h + 2 * tokens * tokens * h + 2 * tokens * h * i;
  return layers * perLayer + h * h + h * labels;
}

function concatRows(rows: Float32Array[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, i) => out.set(row, i * width));
  return out;
}

/** What the embedding run hands this stage for one text: its token count, and its class where the model has a head. */
interface EmbedRunByproduct {
  tokens: number;
  class?: LanguageClassResult;
}

/** The language service as a pipeline stage: the text's class from the model's head. */
export class LanguageStage implements ServiceStage, TextEmbedder {
  readonly name = 'language' as const;

  constructor(private readonly language: LanguageService, private readonly dims: BertDims) {}

  /**
   * Embeddings for routing, and the text's class from the same BERT run (the head is a few MACs;
   * a second run when the router picks language would cost the whole model again). Their energy is
   * the language service's too: the body here, the head in `run`.
   */
  async embed(texts: string[]) {
    const t0 = performance.now();
    const classify = this.language.hasClassifier;
    const result = await this.language.embed(texts, { classify });
    // On the GPU path the embeddings stay on the device; on the CPU path the rows become one tensor.
    const tensor: Tensor = result.tensor ?? { kind: 'cpu', data: concatRows(result.rows!, result.dims[1]), shape: result.dims };
    const energyPj = result.tokens.map((tokens) => macEnergyPj(bertMacs({ ...this.dims, labels: 0 }, tokens)));
    const gpuMs = result.path === 'gpu' ? performance.now() - t0 : undefined;
    const byproducts: EmbedRunByproduct[] = result.tokens.map((tokens, j) => ({ tokens, class: result.classes?.[j] }));
    return { tensor, release: () => result.tensor?.dispose(), gpuMs, path: result.path, energyPj, byproducts };
  }

  private tokenCount(text: string): number {
    return this.language.tokenizer.encode(text, { maxLength: this.language.maxLength }).ids.length;
  }

  async run({ request, byproduct }: StageInput): Promise<StageResult> {
    if (request.text === undefined) {
      return { decision: 'no text to classify', confidence: 0, energyPj: 0, energyModel: MAC_ENERGY_MODEL, path: this.language.path, output: null };
    }
    const shared = byproduct as EmbedRunByproduct | undefined;
    const tokens = shared?.tokens ?? this.tokenCount(request.text);
    // The class from the embedding run when there was one (only the head's MACs are this stage's), else a run of its own.
    const fromEmbedRun = shared?.class;
    const top = fromEmbedRun ?? (await this.language.classify([request.text], { truncation: true })).results[0];
    const path = this.language.path;
    const macs = fromEmbedRun ? this.dims.hiddenSize * this.dims.labels : bertMacs(this.dims, tokens);
    return {
      decision: `${top.label} (p=${top.score.toFixed(3)})`,
      confidence: top.score,
      energyPj: macEnergyPj(macs),
      energyModel: MAC_ENERGY_MODEL,
      path,
      output: { label: top.label, index: top.index, probabilities: Array.from(top.probabilities), tokens, macs, sharedRunWithEmbedding: fromEmbedRun !== undefined },
    };
  }
}
