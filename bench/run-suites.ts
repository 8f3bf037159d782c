import { acquireGpu } from '../src/gpu/device';
import { measureBandwidth } from '../src/kernels/bandwidth';
import { measureCpuBandwidth } from '../src/kernels/cpu-bandwidth';
import type { BenchContext, BenchSize, BenchSuite } from './types';

export interface SuiteReport {
  host: 'node' | 'browser';
  adapter: string;
  bandwidthGBps: number;
  cpuBandwidthGBps: number;
  lines: string[];
  results: Record<string, unknown>;
  failures: Array<{ suite: string; error: string }>;
}

const modules = import.meta.glob<{ suite: BenchSuite }>('./suites/*.bench.ts');

/**
 * Runs every suite for `host` on one device, after the bandwidth probe, in the same process.
 * Used by the Node runner directly and by bench/browser.ts inside Chromium.
 */
export async function runSuites(host: 'node' | 'browser', size: BenchSize, only: string[], print: (line: string) => void): Promise<SuiteReport> {
  const gpu = await acquireGpu();
  const adapter = `${gpu.adapter.vendor || '?'} ${gpu.adapter.architecture || '?'} (${gpu.adapter.description || gpu.adapter.device || 'no description'})${gpu.adapter.isFallback ? ', fallback adapter' : ''}`;
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    print(line);
  };
  const results: Record<string, unknown> = {};
  const failures: SuiteReport['failures'] = [];
  const probe = await measureBandwidth(gpu, { megabytes: size === 'full' ? 256 : 16, iterations: size === 'full' ? 20 : 8 });
  results.bandwidth = probe;
  // As large as the biggest CPU scan the suites time (100,000 × 384 f32 = 147 MiB), so both see the same caches.
  const cpuProbe = measureCpuBandwidth({ megabytes: 160, iterations: size === 'full' ? 10 : 5 });
  results.cpuBandwidth = cpuProbe;
  log(`[${host}] adapter: ${adapter}`);
  log(`[${host}] bandwidth probe: ${probe.gbPerSecond.toFixed(2)} GB/s (${(probe.bytesPerIteration / 2 ** 20).toFixed(0)} MiB × ${probe.iterations}, timed by ${probe.timingSource})`);
  log(
    `[${host}] CPU bandwidth probe (one thread): ${cpuProbe.gbPerSecond.toFixed(2)} GB/s (copy ${cpuProbe.copyGBps.toFixed(2)} GB/s read+written, ` +
      `streaming sum ${cpuProbe.readGBps.toFixed(2)} GB/s; ${(cpuProbe.bytes / 2 ** 20).toFixed(0)} MiB, best of ${cpuProbe.iterations})` +
      (cpuProbe.cpuTime ? `; per second of process CPU time: ${cpuProbe.cpuTime.gbPerSecond.toFixed(2)} GB/s (copy ${cpuProbe.cpuTime.copyGBps.toFixed(2)}, sum ${cpuProbe.cpuTime.readGBps.toFixed(2)})` : ''),
  );
  for (const [path, load] of Object.entries(modules).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { suite } = await load();
    if (!suite.hosts.includes(host) || (only.length > 0 && !only.includes(suite.name))) continue;
    const ctx: BenchContext = {
      size,
      host,
      gpu,
      bandwidthGBps: probe.gbPerSecond,
      cpuBandwidthGBps: cpuProbe.gbPerSecond,
      cpuBandwidthCpuTimeGBps: cpuProbe.cpuTime?.gbPerSecond ?? null,
      log: (line) => log(`[${host}] ${suite.name}: ${line}`),
      record: (name, value) => (results[`${suite.name}.${name}`] = value),
    };
    try {
      await suite.run(ctx);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      failures.push({ suite: suite.name, error: message });
      log(`[${host}] ${suite.name}: FAILED ${message} (${path})`);
    }
  }
  gpu.destroy();
  return { host, adapter, bandwidthGBps: probe.gbPerSecond, cpuBandwidthGBps: cpuProbe.gbPerSecond, lines, results, failures };
}
