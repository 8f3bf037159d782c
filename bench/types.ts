import type { GpuContext } from '../src/gpu/device';

export type BenchSize = 'small' | 'full';

/** What a suite gets: the size option, the device, the bandwidth probe of this run, and a sink for results. */
export interface BenchContext {
  size: BenchSize;
  /** 'node' (Dawn) or 'browser' (Chromium through Playwright). */
  host: 'node' | 'browser';
  gpu: GpuContext;
  /** GB/s measured by the bandwidth probe in this same run: report kernels as a fraction of it. */
  bandwidthGBps: number;
  /** GB/s one CPU thread streams (src/kernels/cpu-bandwidth.ts), same run: report CPU kernels as a fraction of it. */
  cpuBandwidthGBps: number;
  /** The same per second of process CPU time (Node; null in a browser): for kernels timed by CPU time on a shared machine. */
  cpuBandwidthCpuTimeGBps: number | null;
  /** Prints one line of the human-readable report. */
  log(line: string): void;
  /** Adds a named result to the JSON result file. */
  record(name: string, value: unknown): void;
}

/**
 * A benchmark suite: a file bench/suites/<name>.bench.ts exporting `suite`. The runner finds the
 * files itself (import.meta.glob), so adding a suite touches no other file.
 */
export interface BenchSuite {
  name: string;
  /** Where it runs: Node with Dawn, Chromium, or both. */
  hosts: Array<'node' | 'browser'>;
  run(ctx: BenchContext): Promise<void>;
}
