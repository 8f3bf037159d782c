import type { LnnActivation } from './model';

/** ncps LeCun: 1.7159·tanh(0.666·x). */
export function lecunTanh(x: number): number {
  return 1.7159 * Math.tanh(0.666 * x);
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The backbone activation, written as the WGSL kernel writes it. */
export function activate(kind: LnnActivation, x: number): number {
  switch (kind) {
    case 'lecun_tanh':
      return lecunTanh(x);
    case 'tanh':
      return Math.tanh(x);
    case 'relu':
      return Math.max(x, 0);
    case 'silu':
      return x / (1 + Math.exp(-x));
  }
}

/** torch.nn.Softplus (beta 1, threshold 20). */
export function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}
