import { GpuValidationError } from '../errors';

/**
 * Runs `body` inside validation and out-of-memory error scopes and raises whatever they caught as a
 * GpuValidationError, so a GPU error is never only a console warning.
 */
export async function capturingGpuErrors<T>(device: GPUDevice, body: () => Promise<T>): Promise<T> {
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  try {
    return await body();
  } finally {
    const oom = await device.popErrorScope();
    const validation = await device.popErrorScope();
    const error = validation ?? oom;
    if (error) throw new GpuValidationError(error.message);
  }
}
