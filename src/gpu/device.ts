import { GpuUnavailableError } from '../errors';
import { BufferPool } from './buffer-pool';
import { watchDeviceLoss } from './device-lost';

/** What the adapter says about itself; every figure the runtime reports names it. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True on a software adapter (SwiftShader): correct but slow. */
  isFallback: boolean;
  /** 'browser' (navigator.gpu) or 'node' (Dawn). */
  host: 'browser' | 'node';
}

/**
 * One device with everything that depends on it. There is one context (and one pool) per device:
 * `acquireGpu` makes an owned one, `adoptDevice` an adopted one (as TypeGPU's `init` vs `initFromDevice`).
 * `destroy()` destroys the device only when the context owns it; an adopted context only trims its pool.
 */
export interface GpuContext {
  readonly device: GPUDevice;
  /** True when this runtime created the device (and may destroy it); false for a device adopted from onnxruntime-web. */
  readonly owned: boolean;
  adapter: AdapterSummary;
  features: string[];
  limits: Record<string, number>;
  hasTimestamps: boolean;
  hasSubgroups: boolean;
  pool: BufferPool;
  /** Kept so the adapter lives as long as its device (Dawn needs that). */
  gpuAdapter?: GPUAdapter;
  destroy(): void;
}

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Features wanted when the adapter has them; timestamp-query and subgroups by default. */
  optionalFeatures?: GPUFeatureName[];
  /** An adapter already requested (and not yet used for a device), so a start asks the platform once. */
  adapter?: GPUAdapter;
}

const DEFAULT_OPTIONAL_FEATURES: GPUFeatureName[] = ['timestamp-query', 'subgroups', 'shader-f16'];

/** The platform's GPU entry point: navigator.gpu in a browser or worker, Dawn in Node. */
export async function platformGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (typeof process !== 'undefined' && process.versions?.node) {
    const { nodeGpu } = await import('./node-gpu');
    try {
      return await nodeGpu();
    } catch (cause) {
      throw new GpuUnavailableError(
        'the webgpu (Dawn) package could not be loaded in Node',
        'run `npm ci` so node_modules/webgpu exists, on linux-x64 or linux-arm64',
        { cause },
      );
    }
  }
  const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext;
  throw new GpuUnavailableError(
    'navigator.gpu is undefined: this browser context has no WebGPU',
    secure === false
      ? 'serve the page from https:// or http://localhost: WebGPU needs a secure context'
      : 'use a browser with WebGPU (Chromium 113+); without a GPU start Chromium with --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader',
  );
}

/** Acquires an adapter and a device, with timestamp-query and subgroups where the adapter has them. */
export async function acquireGpu(options: AcquireOptions = {}): Promise<GpuContext> {
  const adapter = options.adapter ?? (await (await platformGpu()).requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' }));
  if (!adapter) {
    throw new GpuUnavailableError(
      'no WebGPU adapter was found',
      isNode()
        ? 'install a Vulkan driver, or Debian chromium and libvulkan1 (bash scripts/ensure-system.sh) so SwiftShader serves'
        : 'enable WebGPU (chrome://flags/#enable-unsafe-webgpu) or start Chromium with --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader',
    );
  }
  const wanted = options.optionalFeatures ?? DEFAULT_OPTIONAL_FEATURES;
  const requiredFeatures = wanted.filter((f) => adapter.features.has(f));
  const requiredLimits = raisedLimits(adapter);
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  } catch (cause) {
    throw new GpuUnavailableError('the adapter refused to create a device', 'close other GPU-heavy tabs and retry', { cause });
  }
  return contextFor(device, summarizeAdapter(adapter), true, adapter);
}

/**
 * Adopts a device made elsewhere (onnxruntime-web's) so kernels share it. Adopting the same device twice
 * gives the same context and pool; its `destroy()` never destroys the device.
 */
export function adoptDevice(device: GPUDevice, adapter: Partial<AdapterSummary> = {}): GpuContext {
  const known = contexts.get(device);
  if (known && !known.owned) return known;
  if (known) return adoptedView(known);
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return contextFor(device, { ...(info ? summaryOf(info) : summaryOf({} as GPUAdapterInfo)), ...adapter }, false);
}

/** The one context made for `device` (by acquireGpu or adoptDevice), if any. */
export function contextOf(device: GPUDevice): GpuContext | undefined {
  return contexts.get(device);
}

const contexts = new WeakMap<GPUDevice, GpuContext>();
const adoptedViews = new WeakMap<GpuContext, GpuContext>();

/** The owner's context as an adopter sees it: the same device and pool, never destroyed from here. */
function adoptedView(owner: GpuContext): GpuContext {
  let view = adoptedViews.get(owner);
  if (!view) {
    view = { ...owner, owned: false, destroy: () => owner.pool.trim(0) };
    adoptedViews.set(owner, view);
  }
  return view;
}

function contextFor(device: GPUDevice, adapter: AdapterSummary, owned: boolean, gpuAdapter?: GPUAdapter): GpuContext {
  const features = [...device.features].map(String).sort();
  const pool = new BufferPool(device);
  watchDeviceLoss(device);
  const context: GpuContext = {
    device,
    owned,
    adapter,
    features,
    limits: limitsRecord(device.limits),
    hasTimestamps: device.features.has('timestamp-query'),
    hasSubgroups: device.features.has('subgroups'),
    pool,
    gpuAdapter,
    destroy() {
      if (!owned) {
        // The device is someone else's (onnxruntime-web's): give back only our idle buffers.
        pool.trim(0);
        return;
      }
      pool.destroy();
      contexts.delete(device);
      device.destroy();
    },
  };
  contexts.set(device, context);
  return context;
}

/** The adapter as the runtime reports it (and keys cached plans by). */
export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const legacyFallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const summary = summaryOf(adapter.info);
  return { ...summary, isFallback: summary.isFallback || Boolean(legacyFallback) };
}

/** Software rasterisers that describe themselves but may not set isFallbackAdapter (Dawn's Vulkan on SwiftShader or lavapipe, D3D's WARP). */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|basic render driver/i;

function summaryOf(info: GPUAdapterInfo & { isFallbackAdapter?: boolean }): AdapterSummary {
  const architecture = info.architecture ?? '';
  return {
    vendor: info.vendor ?? '',
    architecture,
    device: info.device ?? '',
    description: info.description ?? '',
    isFallback: Boolean(info.isFallbackAdapter) || architecture === 'swiftshader' || SOFTWARE_ADAPTER.test(info.description ?? ''),
    host: isNode() ? 'node' : 'browser',
  };
}

/** Asks for the adapter's full buffer and workgroup limits instead of the small defaults. */
function raisedLimits(adapter: GPUAdapter): Record<string, number> {
  const names = [
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX',
    'maxStorageBuffersPerShaderStage',
  ] as const;
  const limits: Record<string, number> = {};
  for (const name of names) limits[name] = adapter.limits[name];
  return limits;
}

function limitsRecord(limits: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key in limits) {
    const value = (limits as unknown as Record<string, unknown>)[key];
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}

export function isNode(): boolean {
  return typeof process !== 'undefined' && Boolean(process.versions?.node) && !('document' in globalThis);
}
