import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../../src/metrics/registry';

describe('MetricsRegistry', () => {
  it('exposes counters and histograms in Prometheus text format', () => {
    const m = new MetricsRegistry();
    m.counter('aura_requests_total', 'Requests').inc({ outcome: 'ok' });
    m.counter('aura_requests_total', 'Requests').inc({ outcome: 'ok' }, 2);
    const h = m.histogram('aura_stage_duration_seconds', 'Stage time', [1, 10]);
    h.observe(0.5, { stage: 'route' });
    h.observe(5, { stage: 'route' });
    h.observe(50, { stage: 'route' });
    const text = m.expose();
    expect(text).toContain('# TYPE aura_requests_total counter');
    expect(text).toContain('aura_requests_total{outcome="ok"} 3');
    expect(text).toContain('aura_stage_duration_seconds_bucket{stage="route",le="1"} 1');
    expect(text).toContain('aura_stage_duration_seconds_bucket{stage="route",le="10"} 2');
    expect(text).toContain('aura_stage_duration_seconds_bucket{stage="route",le="+Inf"} 3');
    expect(text).toContain('aura_stage_duration_seconds_sum{stage="route"} 55.5');
    expect(text).toContain('aura_stage_duration_seconds_count{stage="route"} 3');
  });

  it('escapes label values and refuses a name reused with another type', () => {
    const m = new MetricsRegistry();
    m.counter('c', 'c').inc({ v: 'a"b\\c\nd' });
    expect(m.expose()).toContain('c{v="a\\"b\\\\c\\nd"} 1');
    expect(() => m.histogram('c', 'h')).toThrow(/another type/);
  });
});

describe('aura_requests_total', () => {
  it('counts every request by outcome, the rejected ones by their code', async () => {
    const { createAura } = await import('../../../src/runtime/create-aura');
    const aura = await createAura({ backend: 'cpu', planStore: false, services: ['lnn'] });
    try {
      const invalid = Array.from({ length: 16 }, (_, i) => (i % 2 ? { series: [1, 1e39] } : { text: 42 }));
      const settled = await Promise.allSettled([...invalid.map((r) => aura.infer(r as never)), aura.infer({ series: [1, 2, 3] }), aura.infer({ series: [1, 2], timeoutMs: 0.001 })]);
      expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(17);
      const text = aura.metrics();
      expect(text).toContain('aura_requests_total{outcome="invalid_input"} 16');
      expect(text).toContain('aura_requests_total{outcome="ok"} 1');
      expect(text).toContain('aura_requests_total{outcome="timeout"} 1');
    } finally {
      await aura.destroy();
    }
  });
});
