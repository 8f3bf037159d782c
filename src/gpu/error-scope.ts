import { GpuValidationError } from '../errors';
import { asDeviceLost } from './device-lost';

/**
 * Runs `body` inside validation and out-of-memory error scopes and raises whatever they caught as a
 * GpuValidationError, so a GPU error is never only a console warning. Anything that fails because the
 * device was lost meanwhile is raised as DeviceLostError.
 */
export async function capturingGpuErrors<T>(device: GPUDevice, body: () => Promise<T>): Promise<T> {
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  let failure: unknown;
  let result: T | undefined;
  try {
    result = await body();
  } catch (error) {
    failure = error;
  }
  let scoped: GPUError | null = null;
  try {
    const oom = await device.popErrorScope();
    const validation = await device.popErrorScope();
    scoped = validation ?? oom;
  } catch (error) {
    failure ??= error; // popping fails only on a lost device
  }
  if (scoped) failure = new GpuValidationError(scoped.message);
  if (failure !== undefined) throw await asDeviceLost(device, failure);
  return result as T;
}
