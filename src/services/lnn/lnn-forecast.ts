/**
 * Online adaptation of the trained forecaster to the series it is given: a ridge regression fitted on
 * the series' own past maps (the CfC's one-step prediction, the last value, 1) to the next value, so a
 * series unlike the training data (a constant, a straight ramp) is forecast from what it did, while the
 * CfC's weekly pattern is kept where it helps. The residual spread gives the interval.
 */

/** Ridge strength on the three coefficients (series in standard deviations). */
const RIDGE = 1e-3;
/** z of a two-sided 95 % normal interval. */
export const Z95 = 1.959964;

export interface OneStepCorrection {
  /** next ≈ a·prediction + b·last + c (standardised units). */
  a: number;
  b: number;
  c: number;
  /** Residual standard deviation of the fit over the series (standardised units). */
  sigma: number;
  samples: number;
}

/** Fits the correction on pairs (prediction[t], z[t]) → z[t+1] for t < n−1. */
export function fitOneStepCorrection(z: ArrayLike<number>, prediction: ArrayLike<number>): OneStepCorrection {
  const n = z.length - 1;
  if (n < 1) return { a: 1, b: 0, c: 0, sigma: 0, samples: 0 };
  // Normal equations (XᵀX + λI) w = Xᵀy for X rows [p, z, 1].
  const A = [
    [RIDGE, 0, 0],
    [0, RIDGE, 0],
    [0, 0, RIDGE],
  ];
  const y = [0, 0, 0];
  for (let t = 0; t < n; t++) {
    const x = [prediction[t], z[t], 1];
    for (let i = 0; i < 3; i++) {
      y[i] += x[i] * z[t + 1];
      for (let j = 0; j < 3; j++) A[i][j] += x[i] * x[j];
    }
  }
  const [a, b, c] = solve3(A, y);
  let sse = 0;
  for (let t = 0; t < n; t++) sse += (z[t + 1] - (a * prediction[t] + b * z[t] + c)) ** 2;
  return { a, b, c, sigma: Math.sqrt(sse / n), samples: n };
}

export function applyCorrection(k: OneStepCorrection, prediction: number, last: number): number {
  return k.a * prediction + k.b * last + k.c;
}

/** Gaussian elimination with partial pivoting for a 3 × 3 system. */
function solve3(A: number[][], y: number[]): [number, number, number] {
  const m = A.map((row, i) => [...row, y[i]]);
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < 3; r++) {
      const f = m[r][col] / m[col][col];
      for (let c = col; c < 4; c++) m[r][c] -= f * m[col][c];
    }
  }
  const w = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let s = m[r][3];
    for (let c = r + 1; c < 3; c++) s -= m[r][c] * w[c];
    w[r] = s / m[r][r];
  }
  return [w[0], w[1], w[2]];
}

/** Readable numbers: 4 significant digits, no exponent for everyday sizes. */
export function formatValue(x: number): string {
  return Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toPrecision(4) : VALUE_FORMAT.format(Number(x.toPrecision(4)));
}

/** toLocaleString('en-US', options) builds this formatter on every call (about 0.1 ms): build it once. */
const VALUE_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
