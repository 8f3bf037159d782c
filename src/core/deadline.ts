import { AuraError } from '../errors';

export class TimeoutError extends AuraError {
  override readonly name: string = 'TimeoutError';
  constructor(ms: number, stage: string) {
    super('TIMEOUT', `the request took longer than ${ms} ms (at stage ${stage})`, 'raise timeoutMs, or send smaller input');
  }
}

export class CancelledError extends AuraError {
  override readonly name: string = 'CancelledError';
  constructor(stage: string) {
    super('CANCELLED', `the request was cancelled by its AbortSignal (at stage ${stage})`, 'this is what the caller asked for');
  }
}

/**
 * One request's deadline and cancellation. `race` rejects as soon as either fires, so a stalled
 * stage cannot hold the request past its time.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private stage = 'start';
  /** When the time is up, by the clock: a check after it fails even if the timer has not fired yet. */
  private readonly expiresAt: number;

  constructor(readonly timeoutMs: number, caller?: AbortSignal) {
    this.signal = this.controller.signal;
    this.expiresAt = performance.now() + timeoutMs;
    this.timer = setTimeout(() => this.controller.abort(new TimeoutError(timeoutMs, this.stage)), timeoutMs);
    if (caller) {
      if (caller.aborted) this.controller.abort(new CancelledError(this.stage));
      else caller.addEventListener('abort', () => this.controller.abort(new CancelledError(this.stage)), { once: true });
    }
  }

  enter(stage: string): void {
    this.stage = stage;
    this.check();
  }

  check(): void {
    if (!this.signal.aborted && performance.now() >= this.expiresAt) this.controller.abort(new TimeoutError(this.timeoutMs, this.stage));
    if (this.signal.aborted) throw this.signal.reason;
  }

  /** Lets the event loop run (timers, other requests), then throws if the deadline passed or the caller cancelled. */
  async checkpoint(): Promise<void> {
    await yieldToEventLoop();
    this.check();
  }

  race<T>(work: Promise<T>): Promise<T> {
    try {
      this.check();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.signal.reason);
      this.signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          this.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error) => {
          this.signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

/** One turn of the event loop: scheduler.yield() where the browser has it, setImmediate in Node, else a 0 ms timer. */
export function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}
