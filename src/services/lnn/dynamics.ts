/** Summary of hidden-state activity: what the predecessor reported as "dynamics". */
export interface LnnDynamics {
  mean: number;
  /** Population standard deviation. */
  std: number;
  /** Largest activation value. */
  max: number;
  /** Fraction of activations with |h| below `threshold` (near-silent units). */
  sparsity: number;
  threshold: number;
  /** 'trajectory': every state of every step; 'final': the state after the last step only. */
  over: 'trajectory' | 'final';
}

export function lnnDynamics(values: Float32Array, threshold: number, over: LnnDynamics['over']): LnnDynamics {
  let sum = 0;
  let max = -Infinity;
  let quiet = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    if (v > max) max = v;
    if (Math.abs(v) < threshold) quiet++;
  }
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length), max, sparsity: quiet / values.length, threshold, over };
}
