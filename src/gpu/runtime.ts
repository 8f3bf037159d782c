import { DeviceLostError, GpuValidationError, type AuraError } from '../errors';
import { acquireGpu, adoptDevice, type AcquireOptions, type GpuContext } from './device';

export type GpuEvent =
  | { type: 'lost'; error: DeviceLostError }
  | { type: 'uncaptured'; error: GpuValidationError }
  | { type: 'recovered'; context: GpuContext };

export interface GpuRuntimeOptions extends AcquireOptions {
  /**
   * How to get a device again after an adopted one is lost (onnxruntime-web's new device, where BERT
   * runs on its WebGPU EP). Without it the runtime acquires a device of its own.
   */
  readopt?: () => Promise<GpuContext>;
}

/**
 * The one owner of the runtime's device. It either acquires a device (`owned`) or adopts one made
 * elsewhere (onnxruntime-web's; not owned), as TypeGPU's `init` vs `initFromDevice`; each device has one
 * context and one buffer pool. It watches `device.lost`: work in flight fails with DeviceLostError, the
 * runtime reports the loss, acquires a device again at once (or re-adopts through `readopt`) and
 * reports `recovered`. `destroy()` never destroys a device it does not own.
 *
 * `view` is a GpuContext whose fields follow the current device: hand it to services once, and after
 * a recovery they find the new device there (pipelines are cached per device, so they are rebuilt on
 * first use; a service that keeps buffers rebuilds them when `view.device` changed).
 */
export class GpuRuntime {
  private current?: Promise<GpuContext>;
  private settled?: GpuContext;
  private lost = false;
  private destroyed = false;
  private readonly listeners = new Set<(event: GpuEvent) => void>();
  /** An adapter given for the first device only: an adapter gives out one device. */
  private firstAdapter?: GPUAdapter;
  /** Errors seen outside any error scope, newest last. */
  readonly errors: AuraError[] = [];
  readonly view: GpuContext;

  constructor(private readonly options: GpuRuntimeOptions = {}, adopted?: GPUDevice | GpuContext) {
    if (adopted) {
      const ctx = adoptDevice('pool' in adopted ? adopted.device : adopted);
      this.current = Promise.resolve(this.watch(ctx));
    }
    this.firstAdapter = options.adapter;
    this.view = liveView(this);
  }

  /** A runtime on a device of its own (owned). */
  static async acquire(options: GpuRuntimeOptions = {}): Promise<GpuRuntime> {
    const runtime = new GpuRuntime(options);
    await runtime.context();
    return runtime;
  }

  /** A runtime on a device made elsewhere (not owned: never destroyed here). */
  static adopt(device: GPUDevice | GpuContext, options: GpuRuntimeOptions = {}): GpuRuntime {
    return new GpuRuntime(options, device);
  }

  /** Whether the current device is this runtime's own (false while it runs on an adopted device). */
  get owned(): boolean {
    return this.settled?.owned ?? true;
  }

  /** The context of the current device; while a lost device is being replaced, the new one's. */
  async context(): Promise<GpuContext> {
    if (this.destroyed) throw new DeviceLostError('destroyed', 'the GPU runtime was destroyed');
    if (!this.current || this.lost) {
      const recovering = this.lost;
      this.lost = false;
      const acquiring = recovering && this.options.readopt ? this.options.readopt() : acquireGpu(this.acquireOptions());
      this.current = acquiring.then((ctx) => this.watch(ctx));
      this.current.catch(() => (this.current = undefined));
      if (recovering) this.current.then((ctx) => this.emit({ type: 'recovered', context: ctx }), () => {});
    }
    return this.current;
  }

  /** The current context, synchronously (the view's fields read it). */
  now(): GpuContext {
    if (!this.settled) throw new DeviceLostError('not-ready', 'the GPU runtime has no device yet');
    return this.settled;
  }

  /**
   * Moves off an adopted device onto one of our own (when the plan drops onnxruntime-web's WebGPU path,
   * whose release may destroy its device). The adopted device is left alone; our idle buffers on it go.
   */
  async useOwnDevice(): Promise<GpuContext> {
    const old = await this.context();
    if (old.owned) return old;
    const own = await acquireGpu(this.acquireOptions());
    this.current = Promise.resolve(this.watch(own));
    old.destroy(); // adopted: trims our pool only
    return own;
  }

  on(listener: (event: GpuEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    const ctx = await this.current?.catch(() => undefined);
    this.current = undefined;
    this.settled = undefined;
    ctx?.destroy(); // destroys the device only when owned
  }

  private acquireOptions(): AcquireOptions {
    const adapter = this.firstAdapter;
    this.firstAdapter = undefined;
    return { powerPreference: this.options.powerPreference, optionalFeatures: this.options.optionalFeatures, adapter };
  }

  private watch(ctx: GpuContext): GpuContext {
    this.settled = ctx;
    ctx.device.lost.then((info) => {
      if (this.destroyed || this.settled !== ctx) return; // destroyed on purpose, or moved off it
      const error = new DeviceLostError(info.reason, info.message);
      this.lost = true;
      this.errors.push(error);
      this.emit({ type: 'lost', error });
      // Recover at once, so the next request finds a device ready.
      void this.context().catch(() => {});
    });
    ctx.device.addEventListener('uncapturederror', (event) => {
      const error = new GpuValidationError((event as GPUUncapturedErrorEvent).error.message);
      this.errors.push(error);
      this.emit({ type: 'uncaptured', error });
    });
    return ctx;
  }

  private emit(event: GpuEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** A GpuContext that reads the runtime's current device on every access. Its destroy() destroys the runtime. */
function liveView(runtime: GpuRuntime): GpuContext {
  return {
    get device() { return runtime.now().device; },
    get owned() { return runtime.now().owned; },
    get adapter() { return runtime.now().adapter; },
    get features() { return runtime.now().features; },
    get limits() { return runtime.now().limits; },
    get hasTimestamps() { return runtime.now().hasTimestamps; },
    get hasSubgroups() { return runtime.now().hasSubgroups; },
    get pool() { return runtime.now().pool; },
    get gpuAdapter() { return runtime.now().gpuAdapter; },
    destroy() { void runtime.destroy(); },
  };
}
