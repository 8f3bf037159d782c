/**
 * A bound on the calls in flight to one host. Browsers open at most 6 connections per host; calls
 * that hang there would hold every connection and starve healthy ones, so the remote tier runs at
 * most `size` at once (fewer than 6) and each under a deadline that frees its slot.
 */
export class HostSlots {
  private inUse = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {}

  /** Waits for a free slot; the returned function gives it back (call it once). */
  async acquire(): Promise<() => void> {
    if (this.inUse >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inUse++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next caller
      else this.inUse--;
    };
  }

  get queued(): number {
    return this.waiting.length;
  }
}
