/**
 * Counters, gauges and histograms with Prometheus text exposition (format 0.0.4), the same in the
 * browser and at the edge. prom-client was not used: it depends on Node built-ins and does not bundle
 * for the browser. Names follow Prometheus conventions (checked by `promtool check metrics` in
 * tests/unit/edge/promtool.test.ts): base units (seconds, joules), counters end in `_total`, facts
 * are `_info` gauges of value 1.
 */
export type Labels = Record<string, string>;

/** Latency buckets in seconds, 1 ms to 10 s. */
export const DEFAULT_BUCKETS_SECONDS = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** HELP text escapes backslash and newline (exposition format 0.0.4). */
function helpLine(name: string, help: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`;
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

class Counter {
  readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  expose(): string[] {
    const lines = [helpLine(this.name, this.help), `# TYPE ${this.name} counter`];
    for (const [key, value] of this.values) lines.push(`${this.name}${key ? `{${key}}` : ''} ${value}`);
    return lines;
  }
}

class Gauge {
  readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  set(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), value);
  }
  get(labels: Labels = {}): number | undefined {
    return this.values.get(labelKey(labels));
  }
  expose(): string[] {
    const lines = [helpLine(this.name, this.help), `# TYPE ${this.name} gauge`];
    for (const [key, value] of this.values) lines.push(`${this.name}${key ? `{${key}}` : ''} ${value}`);
    return lines;
  }
}

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: number[] = DEFAULT_BUCKETS_SECONDS) {}
  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((bound, i) => {
      if (value <= bound) s!.counts[i]++;
    });
    s.sum += value;
    s.count++;
  }
  count(labels: Labels = {}): number {
    return this.series.get(labelKey(labels))?.count ?? 0;
  }
  expose(): string[] {
    const lines = [helpLine(this.name, this.help), `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.series) {
      const sep = key ? ',' : '';
      this.buckets.forEach((bound, i) => lines.push(`${this.name}_bucket{${key}${sep}le="${bound}"} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket{${key}${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${key ? `{${key}}` : ''} ${s.sum}`);
      lines.push(`${this.name}_count${key ? `{${key}}` : ''} ${s.count}`);
    }
    return lines;
  }
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Counter | Gauge | Histogram>();

  counter(name: string, help: string): Counter {
    return this.get(name, () => new Counter(name, help), Counter);
  }

  gauge(name: string, help: string): Gauge {
    return this.get(name, () => new Gauge(name, help), Gauge);
  }

  histogram(name: string, help: string, buckets?: number[]): Histogram {
    return this.get(name, () => new Histogram(name, help, buckets), Histogram);
  }

  /** The Prometheus text format, as served on /metrics. */
  expose(): string {
    return [...this.metrics.values()].flatMap((m) => m.expose()).join('\n') + '\n';
  }

  private get<T extends Counter | Gauge | Histogram>(name: string, make: () => T, type: new (...args: never[]) => T): T {
    const existing = this.metrics.get(name);
    if (existing) {
      if (!(existing instanceof type)) throw new Error(`metric ${name} already registered as another type`);
      return existing as T;
    }
    const metric = make();
    this.metrics.set(name, metric);
    return metric;
  }
}

export type { Counter, Gauge, Histogram };
