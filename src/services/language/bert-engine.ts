import type { Tensor } from 'onnxruntime-web';
import { adoptDevice, type GpuContext } from '../../gpu/device';
import { BertSession, type BertExecutionProvider, type ShapeBuckets } from './bert-session';
import { ModelLoadError } from './errors';
import type { Ort } from './ort-runtime';
import { padBertRows, type BertTokenizer } from './tokenizer';

/** One session with the device it runs on: the part of the language service a device loss replaces. */
export interface BertEngine {
  session: BertSession;
  /** onnxruntime-web's device, adopted (WebGPU EP only). */
  gpu?: GpuContext;
  path: 'gpu' | 'cpu';
}

/** What a session is built from, kept so it can be built again after a device loss. */
export interface EngineRecipe {
  ort: Ort;
  modelBytes: Uint8Array;
  buckets: ShapeBuckets;
}

/** One rebuild after a device loss, as `LanguageService.recoveries` lists them. */
export interface LanguageRecovery {
  /** GPUDeviceLostInfo.reason and message of the lost device. */
  reason: string;
  message: string;
  /** 'gpu': a new WebGPU EP session on a new onnxruntime-web device; 'cpu': fell back to the WASM EP. */
  path: 'gpu' | 'cpu';
  /** Why the WebGPU EP could not be rebuilt (only when path is 'cpu'). */
  fallbackCause?: string;
  ms: number;
}

/** How long a recovery may take: releasing the lost session, then building the new WebGPU one. */
export const RECOVERY_BOUNDS = { releaseMs: 5_000, rebuildMs: 120_000 };

/** A session on `ep`; on the WebGPU EP with the device onnxruntime-web created for it, adopted. */
export async function buildEngine(recipe: EngineRecipe, ep: BertExecutionProvider): Promise<BertEngine> {
  const session = await BertSession.create(recipe.ort, recipe.modelBytes, { ep, buckets: recipe.buckets, hiddenOnGpu: true });
  if (ep === 'wasm') return { session, path: 'cpu' };
  // Let onnxruntime-web create the device and adopt it, so the pooling kernel reads its buffers.
  const device = (await recipe.ort.env.webgpu.device) as GPUDevice | undefined;
  if (!device) {
    await session.release();
    throw new ModelLoadError('onnxruntime-web created no WebGPU device', "use backend: 'cpu'");
  }
  return { session, gpu: adoptDevice(device), path: 'gpu' };
}

/**
 * A new engine after `old`'s device was lost. onnxruntime-web 1.30 keeps one default WebGPU context
 * per page and makes a new device for it once no session holds the old one (measured in Chromium:
 * tests/e2e/device-loss.spec.ts), so the lost session is released first (bounded: a run stuck on it
 * must not hold the recovery). Where the WebGPU EP cannot be rebuilt in time (or lands on the lost
 * device again), the session falls back to the WASM EP and the recovery says so.
 */
export async function rebuildEngine(recipe: EngineRecipe, old: BertEngine, info: GPUDeviceLostInfo, bounds = RECOVERY_BOUNDS): Promise<{ engine: BertEngine; recovery: LanguageRecovery }> {
  const t0 = performance.now();
  await within(old.session.release(), bounds.releaseMs).catch(() => undefined);
  old.gpu?.destroy(); // adopted: trims our idle buffers only
  const done = (engine: BertEngine, fallbackCause?: string) => ({
    engine,
    recovery: { reason: info.reason ?? 'unknown', message: info.message, path: engine.path, ms: performance.now() - t0, ...(fallbackCause ? { fallbackCause } : {}) },
  });
  const attempt = buildEngine(recipe, 'webgpu');
  try {
    const engine = await within(attempt, bounds.rebuildMs);
    if (engine.gpu!.device === old.gpu?.device) {
      await engine.session.release().catch(() => undefined);
      throw new Error('onnxruntime-web gave the lost device again');
    }
    return done(engine);
  } catch (cause) {
    // A WebGPU session that arrives after the bound is released first (bounded again): ORT's asyncify
    // build must not create two sessions at once.
    await within(attempt.then((late) => late.session.release()), bounds.rebuildMs).catch(() => undefined);
    // Bounded too: a throw here keeps the lost session, whose requests then fail with DeviceLostError.
    return done(await within(buildEngine(recipe, 'wasm'), bounds.rebuildMs), String((cause as Error)?.message ?? cause));
  }
}

/** `work`, or a rejection after `ms`. */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function disposeAll(outputs: Record<string, Tensor>): void {
  for (const t of Object.values(outputs)) t.dispose();
}

/** The hidden size from one tiny run (config.json may be absent for a user's model). */
export async function probeHiddenSize(session: BertSession, tokenizer: BertTokenizer): Promise<number> {
  if (!session.hasHiddenStates) return 0;
  const probe = padBertRows([tokenizer.encode('a')], tokenizer.encode('a').ids.length, tokenizer.padId);
  const outputs = await session.run(probe, ['last_hidden_state']);
  try {
    const dims = outputs.last_hidden_state.dims;
    return dims[dims.length - 1];
  } finally {
    disposeAll(outputs);
  }
}
