/**
 * Counters and histograms with Prometheus text exposition (format 0.0.4), the same in the browser
 * and at the edge. prom-client was not used: it depends on Node built-ins and does not bundle for
 * the browser.
 */
export type Labels = Record<string, string>;

const DEFAULT_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

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
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, value] of this.values) lines.push(`${this.name}${key ? `{${key}}` : ''} ${value}`);
    return lines;
  }
}

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: number[] = DEFAULT_BUCKETS_MS) {}
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
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
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
  private readonly metrics = new Map<string, Counter | Histogram>();

  counter(name: string, help: string): Counter {
    return this.get(name, () => new Counter(name, help), Counter);
  }

  histogram(name: string, help: string, buckets?: number[]): Histogram {
    return this.get(name, () => new Histogram(name, help, buckets), Histogram);
  }

  /** The Prometheus text format, as served on /metrics. */
  expose(): string {
    return [...this.metrics.values()].flatMap((m) => m.expose()).join('\n') + '\n';
  }

  private get<T extends Counter | Histogram>(name: string, make: () => T, type: new (...args: never[]) => T): T {
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

export type { Counter, Histogram };
