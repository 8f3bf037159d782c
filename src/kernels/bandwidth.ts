import { STORAGE, uniformFrom } from '../gpu/buffers';
import { runCompute } from '../gpu/compute';
import type { AdapterSummary, GpuContext } from '../gpu/device';
import { scaleStep } from './scale';

export interface BandwidthResult {
  /** Achieved bytes read + written per second, in GB/s (1e9 bytes). */
  gbPerSecond: number;
  bytesPerIteration: number;
  iterations: number;
  ms: number;
  timingSource: 'gpu-timestamp' | 'cpu';
  adapter: AdapterSummary;
}

export interface BandwidthOptions {
  /** Size of the source buffer; the kernel reads and writes this many bytes per iteration. */
  megabytes?: number;
  iterations?: number;
}

/**
 * The bandwidth probe: a streaming scale over a resident buffer, repeated in one submission after a
 * warm-up. Later kernel benchmarks report their throughput as a fraction of this figure.
 */
export async function measureBandwidth(ctx: GpuContext, options: BandwidthOptions = {}): Promise<BandwidthResult> {
  const { device } = ctx;
  const maxBytes = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const bytes = Math.min(Math.round((options.megabytes ?? 16) * 2 ** 20), maxBytes) & ~3;
  const count = bytes / 4;
  const iterations = options.iterations ?? 10;
  const params = uniformFrom(device, [{ u32: count }, { f32: 1.0001 }]);
  const a = device.createBuffer({ size: bytes, usage: STORAGE, label: 'probe-a' });
  const b = device.createBuffer({ size: bytes, usage: STORAGE, label: 'probe-b' });
  try {
    await runCompute(device, [scaleStep(device, params, a, b, count)], { timing: false }); // warm-up: compile, first touch
    const steps = Array.from({ length: iterations }, (_, i) =>
      i % 2 === 0 ? scaleStep(device, params, a, b, count) : scaleStep(device, params, b, a, count),
    );
    const timing = await runCompute(device, steps);
    const moved = 2 * bytes * iterations;
    return {
      gbPerSecond: moved / (timing.ms / 1000) / 1e9,
      bytesPerIteration: 2 * bytes,
      iterations,
      ms: timing.ms,
      timingSource: timing.source,
      adapter: ctx.adapter,
    };
  } finally {
    params.destroy();
    a.destroy();
    b.destroy();
  }
}
