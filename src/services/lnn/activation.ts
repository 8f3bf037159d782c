import type { LnnActivation } from '../../kernels/lnn-model';

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
    case 'gelu':
      return 0.5 * x * (1 + erf(x / Math.SQRT2));
  }
}

/**
 * erf in f64 (JS has none): Maclaurin series for |x| ≤ 3 (terms at most e^9, so ~1e-12 after
 * cancellation), the continued fraction of erfc beyond (Lentz's method). Reference for torch's GELU.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a <= 3) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 100; n++) {
      term *= (-a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + …))))).
  const tiny = 1e-300;
  let f = a;
  let c = a;
  let d = 0;
  for (let k = 1; k < 200; k++) {
    const coef = k / 2;
    d = a + coef * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = a + coef / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** torch.nn.Softplus (beta 1, threshold 20). */
export function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}
