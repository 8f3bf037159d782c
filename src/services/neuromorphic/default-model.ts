import { loadModelBytes, type ModelFetchOptions } from '../../models/fetch';
import { modelUrl } from '../../models/locate';
import type { SnnClassifier } from './classifier';
import { decodeSnnWeights } from './weights-file';

/**
 * The default neuromorphic expert: a spiking digit classifier trained on the UCI 8 × 8 digits
 * (public/models/aura-snn-digits/README.md): 64 inputs in [0, 1] (the image min–max scaled, as the
 * series shaping does), latency-coded over 8 steps (chosen on the validation split), two snnTorch-Leaky
 * hidden layers of 128 and 64 (beta 0.9), a readout of 10 logits.
 */
export const SNN_DIGITS_TIME_STEPS = 8;

export function defaultSnnModelUrl(): string {
  return modelUrl('aura-snn-digits', 'model.snn');
}

export async function loadDefaultSnnClassifier(source: string | URL = defaultSnnModelUrl(), options: ModelFetchOptions = {}): Promise<SnnClassifier> {
  const network = decodeSnnWeights(await loadModelBytes(source, options));
  return { network, labels: Array.from({ length: 10 }, (_, i) => String(i)), encoding: { kind: 'latency' }, timeSteps: SNN_DIGITS_TIME_STEPS };
}
