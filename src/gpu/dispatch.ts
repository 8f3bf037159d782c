import { DispatchTooLargeError } from '../errors';

export type Workgroups = [number, number, number];

/**
 * Turns a 1-D workgroup count into a dispatch the device accepts: as is when it fits, else folded
 * into 2-D (x·y ≥ count) or 3-D. Kernels recover the linear index as
 * `wid.x + wid.y·nwg.x + wid.z·nwg.x·nwg.y` and skip indices ≥ count.
 */
export function foldDispatch(count: number, maxPerDimension: number): Workgroups {
  if (!Number.isInteger(count) || count < 0) {
    throw new DispatchTooLargeError(`workgroup count ${count} is not a whole number ≥ 0`, 'pass ceil(elements / workgroupSize)');
  }
  if (count <= maxPerDimension) return [Math.max(count, 1), 1, 1];
  const x = maxPerDimension;
  const y = Math.ceil(count / x);
  if (y <= maxPerDimension) return [x, y, 1];
  const z = Math.ceil(count / (x * maxPerDimension));
  if (z <= maxPerDimension) return [x, maxPerDimension, z];
  throw new DispatchTooLargeError(
    `${count} workgroups exceed ${maxPerDimension}³, the most this device can dispatch`,
    'split the work into several calls or use a larger workgroup size',
  );
}

/** Workgroups needed for `elements` items at `workgroupSize` items each, folded to the device's limit. */
export function dispatchFor(device: GPUDevice, elements: number, workgroupSize: number): Workgroups {
  return foldDispatch(Math.ceil(elements / workgroupSize), device.limits.maxComputeWorkgroupsPerDimension);
}
