import { AuraError, DeviceLostError } from '../errors';

/**
 * Which devices are lost, and why. Work in flight on a device that is destroyed or reset fails in
 * WebGPU with whatever the failing call throws (a DOMException from mapAsync, a null error scope);
 * `asDeviceLost` turns that into the one typed DeviceLostError, so a caller can tell "retry" from a bug.
 */
const lost = new WeakMap<GPUDevice, GPUDeviceLostInfo>();
const watched = new WeakSet<GPUDevice>();

/** Starts recording `device`'s loss (idempotent). */
export function watchDeviceLoss(device: GPUDevice): void {
  if (watched.has(device)) return;
  watched.add(device);
  void device.lost.then((info) => lost.set(device, info));
}

/** The loss info once `device` is lost, else undefined. */
export function lostInfo(device: GPUDevice): GPUDeviceLostInfo | undefined {
  return lost.get(device);
}

/**
 * The error to raise for `error`, thrown by work on `device`: a DeviceLostError when the device is lost
 * (waiting a short while for `device.lost` to settle, as a failed map can come first), else `error`.
 */
export async function asDeviceLost(device: GPUDevice, error: unknown): Promise<unknown> {
  if (error instanceof DeviceLostError) return error;
  if (error instanceof AuraError && !(error.code === 'GPU_VALIDATION')) return error;
  watchDeviceLoss(device);
  const info = lost.get(device) ?? (await Promise.race([device.lost, new Promise<undefined>((r) => setTimeout(r, 100))]));
  if (!info) return error;
  return new DeviceLostError(info.reason ?? 'unknown', info.message || String((error as Error)?.message ?? error), { cause: error });
}

/** Runs `body`; a failure on a lost `device` is raised as DeviceLostError. */
export async function failingAsDeviceLost<T>(device: GPUDevice, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw await asDeviceLost(device, error);
  }
}

/** Per device, the rejecters of work raced against its loss (a set, so finished work leaves no reaction behind). */
const racing = new WeakMap<GPUDevice, { waiting: Set<(error: DeviceLostError) => void>; error?: DeviceLostError }>();

/**
 * `work`, or DeviceLostError as soon as `device` is lost first (at once where it is lost already): work
 * that a lost device never finishes (or finishes late) cannot hold its caller. The work itself is not cancelled.
 */
export function raceDeviceLoss<T>(device: GPUDevice, work: Promise<T>): Promise<T> {
  let race = racing.get(device);
  if (!race) {
    const state: { waiting: Set<(error: DeviceLostError) => void>; error?: DeviceLostError } = { waiting: new Set() };
    racing.set(device, (race = state));
    void device.lost.then((info) => {
      state.error = new DeviceLostError(info.reason ?? 'unknown', info.message || 'the device was lost while work ran on it');
      for (const fail of state.waiting) fail(state.error);
      state.waiting.clear();
    });
  }
  const { waiting, error } = race;
  if (error) {
    work.catch(() => undefined);
    return Promise.reject(error);
  }
  return new Promise<T>((resolve, reject) => {
    waiting.add(reject);
    work.then(resolve, reject).finally(() => waiting.delete(reject));
  });
}
