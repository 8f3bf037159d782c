/**
 * Softmax regression on standardised features, full-batch gradient descent with L2 (deterministic:
 * zero initialisation, fixed order). A request with services [primary, …] puts 2/3 of the target on the
 * primary and shares 1/3 among the others; a request no expert fits has the uniform target (outlier
 * exposure, Hendrycks et al. 2019), so its top probability is low and the no-fit threshold can catch it.
 */
import type { LabelledRequest } from '../../src/services/router/dataset';

export interface Fitted {
  mean: number[];
  std: number[];
  weight: number[][];
  bias: number[];
  loss: number;
}

export function standardisation(X: Float32Array[]): { mean: number[]; std: number[] } {
  const D = X[0].length;
  const mean = new Array<number>(D).fill(0);
  const std = new Array<number>(D).fill(0);
  for (const x of X) for (let j = 0; j < D; j++) mean[j] += x[j] / X.length;
  for (const x of X) for (let j = 0; j < D; j++) std[j] += (x[j] - mean[j]) ** 2 / X.length;
  for (let j = 0; j < D; j++) std[j] = Math.sqrt(std[j]) > 1e-6 ? Math.sqrt(std[j]) : 1;
  return { mean, std };
}

export function targetsOf(examples: LabelledRequest[], services: readonly string[]): Float64Array[] {
  const S = services.length;
  return examples.map((e) => {
    const t = new Float64Array(S);
    if (e.services.length === 0) return t.fill(1 / S);
    const rest = e.services.length - 1;
    e.services.forEach((s, i) => (t[services.indexOf(s)] = rest === 0 ? 1 : i === 0 ? 2 / 3 : 1 / 3 / rest));
    return t;
  });
}

/**
 * Full-batch Adam (Kingma & Ba 2014; β1 0.9, β2 0.999, ε 1e-8) on the cross-entropy plus L2: plain
 * gradient descent oscillated on the 192 correlated embedding dimensions.
 */
export function fitSoftmax(X: Float32Array[], targets: Float64Array[], options: { epochs: number; learningRate: number; l2: number }): Fitted {
  const D = X[0].length;
  const S = targets[0].length;
  const { mean, std } = standardisation(X);
  const Z = X.map((x) => Float64Array.from(x, (v, j) => (v - mean[j]) / std[j]));
  const P = S * (D + 1);
  const theta = new Float64Array(P); // row s: D weights then the bias
  const m = new Float64Array(P);
  const v = new Float64Array(P);
  const grad = new Float64Array(P);
  const logits = new Float64Array(S);
  let loss = 0;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    grad.fill(0);
    loss = 0;
    for (let n = 0; n < Z.length; n++) {
      const z = Z[n];
      let max = -Infinity;
      for (let s = 0; s < S; s++) {
        const o = s * (D + 1);
        let sum = theta[o + D];
        for (let j = 0; j < D; j++) sum += theta[o + j] * z[j];
        logits[s] = sum;
        if (sum > max) max = sum;
      }
      let total = 0;
      for (let s = 0; s < S; s++) total += Math.exp(logits[s] - max);
      for (let s = 0; s < S; s++) {
        const p = Math.exp(logits[s] - max) / total;
        const t = targets[n][s];
        const g = (p - t) / Z.length;
        if (t > 0) loss -= (t * Math.log(p)) / Z.length;
        const o = s * (D + 1);
        grad[o + D] += g;
        for (let j = 0; j < D; j++) grad[o + j] += g * z[j];
      }
    }
    const c1 = 1 - 0.9 ** epoch;
    const c2 = 1 - 0.999 ** epoch;
    for (let i = 0; i < P; i++) {
      const isBias = i % (D + 1) === D;
      const g = grad[i] + (isBias ? 0 : options.l2 * theta[i]);
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      theta[i] -= (options.learningRate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-8);
    }
  }
  const weight = Array.from({ length: S }, (_, s) => Array.from(theta.subarray(s * (D + 1), s * (D + 1) + D)));
  const bias = Array.from({ length: S }, (_, s) => theta[s * (D + 1) + D]);
  return { mean, std, weight, bias, loss };
}
