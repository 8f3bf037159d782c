import type { SnnEncoding } from '../../kernels/snn-encode';
import { SnnModelError } from './errors';
import { snnOutputWidth, type SnnNetwork } from './network';

/**
 * A spiking network that classifies: its outputs are class scores (a readout's logits), with the labels,
 * and the encoding and time-step count it was trained with (the service runs a request with them when the
 * request names none).
 */
export interface SnnClassifier {
  network: SnnNetwork;
  labels: string[];
  encoding: SnnEncoding;
  timeSteps: number;
}

/** One sample's answer: the top class and its softmax probability over the outputs. */
export interface SnnClassAnswer {
  index: number;
  label: string;
  probability: number;
}

export function validateSnnClassifier(c: SnnClassifier): void {
  if (!Array.isArray(c?.labels) || c.labels.length !== snnOutputWidth(c.network)) {
    throw new SnnModelError(`the classifier has ${c?.labels?.length ?? 'no'} labels for ${snnOutputWidth(c.network)} outputs`, 'give one label per output');
  }
}

/** Softmax over each sample's outputs (batch × labels.length): the largest output and its probability. */
export function classifyOutputs(output: Float32Array, labels: string[]): SnnClassAnswer[] {
  const width = labels.length;
  const answers: SnnClassAnswer[] = [];
  for (let r = 0; r * width < output.length; r++) {
    const row = output.subarray(r * width, (r + 1) * width);
    let best = 0;
    for (let i = 1; i < width; i++) if (row[i] > row[best]) best = i;
    let sum = 0;
    for (let i = 0; i < width; i++) sum += Math.exp(row[i] - row[best]);
    answers.push({ index: best, label: labels[best], probability: 1 / sum });
  }
  return answers;
}
