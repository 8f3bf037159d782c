/** The metric names a Prometheus text exposition holds (samples, so histograms give _bucket, _sum, _count). */
export function exposedNames(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const name = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line)?.[1];
    if (name) names.add(name);
  }
  return [...names];
}

/** Metric names a PromQL expression reads: identifiers followed by a selector or range, not functions or labels. */
export function metricNamesIn(expr: string): string[] {
  return [...new Set(expr.match(/\baura_[a-zA-Z0-9_]+(?=\s*[{[])/g) ?? [])];
}

/** Every PromQL expression of a Grafana dashboard's panels. */
export function dashboardExpressions(dashboard: { panels: Array<{ targets: Array<{ expr: string }> }> }): string[] {
  return dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
}
