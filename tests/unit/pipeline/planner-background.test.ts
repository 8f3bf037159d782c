import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planBackends } from '../../../src/runtime/planner';
import { IdleGate, measureInBackground } from '../../../src/runtime/planner-background';
import { filePlanStore } from '../../../src/runtime/plan-store';
import { busyStage, swiftshader } from './busy-stage';
import { summarizeAdapter, type AdapterSummary } from '../../../src/gpu/device';

const hardware: AdapterSummary = { vendor: 'nvidia', architecture: 'ada', device: '', description: 'NVIDIA GeForce RTX 4090', isFallback: false, host: 'node' };

/** What `summarizeAdapter` reads of a GPUAdapter: its info (and the older isFallbackAdapter). */
const fakeAdapter = (info: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }) => ({ info }) as unknown as GPUAdapter;

describe('the first start chooses by the adapter', () => {
  it('reads a fallback adapter from info.isFallbackAdapter, the architecture or the description', () => {
    expect(summarizeAdapter(fakeAdapter({ vendor: 'google', isFallbackAdapter: true })).isFallback).toBe(true);
    expect(summarizeAdapter(fakeAdapter({ vendor: 'google', architecture: 'swiftshader' })).isFallback).toBe(true);
    expect(summarizeAdapter(fakeAdapter({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).isFallback).toBe(true);
    expect(summarizeAdapter(fakeAdapter({ vendor: 'nvidia', architecture: 'ada', description: 'NVIDIA H200' })).isFallback).toBe(false);
  });

  it("with measure 'background', plans by the adapter without running a trial", async () => {
    const a = busyStage('a', 1, 1);
    const onFallback = await planBackends(swiftshader, [a], { measure: 'background' });
    const onHardware = await planBackends(hardware, [a], { measure: 'background' });
    expect(onFallback.stages.a).toEqual({ path: 'cpu', why: 'adapter' });
    expect(onHardware.stages.a).toEqual({ path: 'gpu', why: 'adapter' });
    expect(a.trials).toEqual([]);
  });
});

describe('measureInBackground', () => {
  it('measures the stages planned by the adapter, saves the faster path and the next start reads it', async () => {
    const store = filePlanStore(join(mkdtempSync(join(tmpdir(), 'aura-plan-')), 'plans.json'));
    const slowGpu = busyStage('a', 2_000_000, 1_000);
    const fastGpu = busyStage('b', 1_000, 2_000_000);
    const forced = busyStage('c', 1, 1);
    const plan = await planBackends(swiftshader, [slowGpu, fastGpu, forced], { measure: 'background', store, backend: { c: 'cpu' } });
    const seen: string[] = [];
    const result = await measureInBackground(swiftshader, [slowGpu, fastGpu, forced], plan, { store, signal: new AbortController().signal, onMeasured: (stage) => seen.push(stage) });
    expect(result.cancelled).toBe(false);
    expect(result.measured.a).toMatchObject({ path: 'cpu', why: 'measured' });
    // The measurement says the other path is faster: it is saved, and the next start takes it.
    expect(result.measured.b).toMatchObject({ path: 'gpu', why: 'measured' });
    expect(result.measured.b.gpuMs).toBeLessThan(result.measured.b.cpuMs!);
    expect(seen).toEqual(['a', 'b']);
    expect(forced.trials).toEqual([]);
    const next = await planBackends(swiftshader, [busyStage('a', 1, 1), busyStage('b', 1, 1)], { measure: 'background', store });
    expect(next.stages.a).toMatchObject({ path: 'cpu', why: 'cached' });
    expect(next.stages.b).toMatchObject({ path: 'gpu', why: 'cached' });
  });

  it('skips a stage whose other path must not be loaded (the WebGPU EP on a fallback adapter)', async () => {
    const language = busyStage('language', 1, 1);
    const plan = await planBackends(swiftshader, [language], { measure: 'background' });
    const result = await measureInBackground(swiftshader, [language], plan, { signal: new AbortController().signal, skip: (stage, path) => stage === 'language' && path === 'gpu' });
    expect(language.trials).toEqual([]);
    expect(result.measured).toEqual({});
  });

  it('stops between two trials once cancelled, and saves nothing it did not finish', async () => {
    const store = filePlanStore(join(mkdtempSync(join(tmpdir(), 'aura-plan-')), 'plans.json'));
    const stop = new AbortController();
    const a = busyStage('a', 10_000, 10_000);
    const plan = await planBackends(swiftshader, [a, busyStage('b', 1, 1)], { measure: 'background', store });
    const original = a.trial.bind(a);
    a.trial = async (path) => {
      await original(path);
      if (a.trials.length === 3) stop.abort();
    };
    const result = await measureInBackground(swiftshader, [a], plan, { store, signal: stop.signal });
    expect(result).toEqual({ measured: {}, cancelled: true });
    expect(a.trials.length).toBe(3);
    const next = await planBackends(swiftshader, [busyStage('a', 1, 1)], { measure: 'background', store });
    expect(next.stages.a.why).toBe('adapter');
  });

  it('waits while a request is in flight (IdleGate)', async () => {
    const gate = new IdleGate();
    let release!: () => void;
    const request = gate.during(() => new Promise<void>((resolve) => (release = resolve)));
    let idle = false;
    const waiting = gate.idle().then(() => (idle = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(idle).toBe(false);
    release();
    await request;
    await waiting;
    expect(idle).toBe(true);
  });
});
