import { DeviceLostError, GpuValidationError, type AuraError } from '../errors';
import { acquireGpu, adoptDevice, type AcquireOptions, type GpuContext } from './device';

export type GpuEvent =
  | { type: 'lost'; error: DeviceLostError }
  | { type: 'uncaptured'; error: GpuValidationError }
  | { type: 'recovered'; context: GpuContext };

/**
 * Holds the runtime's one device. A lost device is reported (typed) and the next `context()`
 * call acquires a new one; pipelines are cached per device, so they are rebuilt on first use.
 */
export class GpuRuntime {
  private current?: Promise<GpuContext>;
  private lost = false;
  private readonly listeners = new Set<(event: GpuEvent) => void>();
  /** Errors seen outside any error scope, newest last. */
  readonly errors: AuraError[] = [];

  constructor(private readonly options: AcquireOptions = {}, private readonly adopted?: GPUDevice) {}

  async context(): Promise<GpuContext> {
    if (!this.current || this.lost) {
      const recovering = this.lost;
      this.lost = false;
      const acquiring = this.adopted && !recovering ? Promise.resolve(adoptDevice(this.adopted)) : acquireGpu(this.options);
      this.current = acquiring.then((ctx) => this.watch(ctx));
      this.current.catch(() => (this.current = undefined));
      if (recovering) this.current.then((ctx) => this.emit({ type: 'recovered', context: ctx }), () => {});
    }
    return this.current;
  }

  on(listener: (event: GpuEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async destroy(): Promise<void> {
    const ctx = await this.current?.catch(() => undefined);
    this.current = undefined;
    ctx?.destroy();
  }

  private watch(ctx: GpuContext): GpuContext {
    ctx.device.lost.then((info) => {
      if (this.current === undefined) return; // destroyed on purpose by destroy()
      const error = new DeviceLostError(info.reason, info.message);
      this.lost = true;
      this.errors.push(error);
      this.emit({ type: 'lost', error });
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
