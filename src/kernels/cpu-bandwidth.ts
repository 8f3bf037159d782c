/**
 * The CPU memory-bandwidth probe (the CPU counterpart of bandwidth.ts): streams a large
 * Float32Array, best of N, on the thread it runs on (Node or a browser page).
 *
 * Two streams: a copy by TypedArray.prototype.set (the engine's memcpy; bytes read + written) and a
 * read-only sum in JS (eight accumulators, so the adds are not one dependent chain). The probe's
 * figure is the higher of the two: what one thread can stream. Buffers should be at least as large
 * as the data a kernel measured against it streams, so both see the same caches.
 */
export interface CpuBandwidthResult {
  /** The higher of copyGBps and readGBps (1e9 bytes per second). */
  gbPerSecond: number;
  /** Best TypedArray.set copy: (bytes read + bytes written) per second. */
  copyGBps: number;
  /** Best read-only JS sum: bytes read per second. */
  readGBps: number;
  bytes: number;
  iterations: number;
  /**
   * The same rates per second of this process's CPU time (Node's process.cpuUsage; null in a browser).
   * On a machine shared with other work, wall time counts the time other processes held the core;
   * CPU time does not, so these compare fairly with kernels timed the same way (cpuTimeMs).
   */
  cpuTime: { gbPerSecond: number; copyGBps: number; readGBps: number } | null;
}

/** This process's CPU time in ms (user + system), where the host tells it (Node); null otherwise. */
export function cpuTimeMs(): number | null {
  const usage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : null;
}

export interface CpuBandwidthOptions {
  /** Size of each of the two buffers, in MiB. */
  megabytes?: number;
  /** Timed repetitions of each stream; the best counts (the least disturbed by other load). */
  iterations?: number;
}

/** Sum of x, eight independent accumulators (the tail added one by one). */
export function streamingSum(x: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  const n = x.length;
  const m = n & ~7;
  let i = 0;
  for (; i < m; i += 8) {
    s0 += x[i];
    s1 += x[i + 1];
    s2 += x[i + 2];
    s3 += x[i + 3];
    s4 += x[i + 4];
    s5 += x[i + 5];
    s6 += x[i + 6];
    s7 += x[i + 7];
  }
  for (; i < n; i++) s0 += x[i];
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
}

export function measureCpuBandwidth(options: CpuBandwidthOptions = {}): CpuBandwidthResult {
  const bytes = Math.max(4, Math.round((options.megabytes ?? 64) * 2 ** 20) & ~3);
  const iterations = Math.max(1, options.iterations ?? 5);
  const a = new Float32Array(bytes / 4);
  const b = new Float32Array(bytes / 4);
  for (let i = 0; i < a.length; i++) a[i] = i & 1023; // touch every page before timing
  b.set(a);
  streamingSum(a); // warm-up: the optimising compiler sees the loop first
  let copyMs = Infinity;
  let readMs = Infinity;
  let copyCpuMs = Infinity;
  let readCpuMs = Infinity;
  let sink = 0;
  for (let i = 0; i < iterations; i++) {
    const cc0 = cpuTimeMs();
    const c0 = performance.now();
    if (i % 2 === 0) b.set(a);
    else a.set(b);
    copyMs = Math.min(copyMs, performance.now() - c0);
    const cc1 = cpuTimeMs();
    const r0 = performance.now();
    sink += streamingSum(i % 2 === 0 ? b : a);
    readMs = Math.min(readMs, performance.now() - r0);
    const cc2 = cpuTimeMs();
    if (cc0 !== null && cc1 !== null && cc2 !== null) {
      copyCpuMs = Math.min(copyCpuMs, cc1 - cc0);
      readCpuMs = Math.min(readCpuMs, cc2 - cc1);
    }
  }
  if (!Number.isFinite(sink)) throw new Error('bandwidth probe: the sum is not finite'); // keeps the sum live
  // A timer's resolution can read 0 ms for tiny buffers; count such a run as one 1 µs tick.
  const copyGBps = (2 * bytes) / Math.max(copyMs, 1e-3) / 1e6;
  const readGBps = bytes / Math.max(readMs, 1e-3) / 1e6;
  let cpuTime: CpuBandwidthResult['cpuTime'] = null;
  if (Number.isFinite(copyCpuMs)) {
    const copy = (2 * bytes) / Math.max(copyCpuMs, 1e-3) / 1e6;
    const read = bytes / Math.max(readCpuMs, 1e-3) / 1e6;
    cpuTime = { gbPerSecond: Math.max(copy, read), copyGBps: copy, readGBps: read };
  }
  return { gbPerSecond: Math.max(copyGBps, readGBps), copyGBps, readGBps, bytes, iterations, cpuTime };
}
