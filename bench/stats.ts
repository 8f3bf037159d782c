/** The q-quantile of `xs` (the element at floor(q·n) of the sorted values); median = quantile 0.5. */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}
