import type { BenchSuite } from '../types';
import { gatingCpu } from '../../src/kernels/gating-cpu';
import { gatingGpu } from '../../src/kernels/gating-gpu';
import { median } from '../stats';

/** Logits in [−4, 4) from an LCG (deterministic, no allocation per value). */
function logitsFor(n: number): Float32Array {
  const x = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 2 ** 32) * 8 - 4;
  }
  return x;
}

/**
 * Gating kernel throughput (tokens/s), softmax → top-k → renormalise with both losses, for 5 to 64
 * experts and k = 1, 2: the GPU kernels (passes timed by timestamp-query where the adapter has it),
 * the whole GPU call (upload, passes, readback), and the CPU path, in the same run. The kernel reads
 * the logits twice (scores and z-loss) and writes an index and a weight per choice; its byte rate
 * is given as a fraction of the bandwidth probe of this run.
 */
export const suite: BenchSuite = {
  name: 'gating',
  hosts: ['node', 'browser'],
  async run(ctx) {
    const tokens = ctx.size === 'full' ? 1 << 18 : 4096;
    const iterations = ctx.size === 'full' ? 10 : 3;
    ctx.log(`${tokens} tokens, median of ${iterations}, adapter ${ctx.gpu.adapter.vendor} ${ctx.gpu.adapter.architecture}${ctx.gpu.adapter.isFallback ? ' (fallback)' : ''}, reduction ${ctx.gpu.hasSubgroups ? 'subgroup' : 'workgroup'}`);
    for (const experts of [5, 8, 16, 32, 64]) {
      const logits = logitsFor(tokens * experts);
      for (const k of [1, 2]) {
        const options = { tokens, experts, k };
        await gatingGpu(ctx.gpu, logits, options); // compile and warm up
        const kernelMs: number[] = [];
        const callMs: number[] = [];
        const cpuMs: number[] = [];
        let source = '';
        for (let i = 0; i < iterations; i++) {
          const t0 = performance.now();
          const r = await gatingGpu(ctx.gpu, logits, options);
          callMs.push(performance.now() - t0);
          kernelMs.push(r.timing.ms);
          source = r.timing.source;
          const t1 = performance.now();
          gatingCpu(logits, options);
          cpuMs.push(performance.now() - t1);
        }
        const kernel = median(kernelMs);
        const call = median(callMs);
        const cpu = median(cpuMs);
        const bytes = tokens * (2 * experts * 4 + k * 8);
        const fraction = bytes / (kernel / 1000) / 1e9 / ctx.bandwidthGBps;
        const row = {
          experts,
          k,
          tokens,
          gpuKernelTokensPerS: tokens / (kernel / 1000),
          gpuCallTokensPerS: tokens / (call / 1000),
          cpuTokensPerS: tokens / (cpu / 1000),
          kernelMs: kernel,
          timingSource: source,
          bandwidthFraction: fraction,
        };
        ctx.record(`gating.E${experts}.k${k}`, row);
        ctx.log(
          `  E=${String(experts).padStart(2)} k=${k}: GPU kernels ${fmt(row.gpuKernelTokensPerS)} tok/s (${kernel.toFixed(2)} ms, ${source}, ${(fraction * 100).toFixed(1)}% of probe bandwidth), ` +
            `GPU call ${fmt(row.gpuCallTokensPerS)} tok/s, CPU ${fmt(row.cpuTokensPerS)} tok/s`,
        );
      }
    }
  },
};

function fmt(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0);
}
