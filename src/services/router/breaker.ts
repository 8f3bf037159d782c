import { InvalidInputError, requireInteger, requireNumberInRange } from '../../errors';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker (default 3). */
  failureThreshold?: number;
  /** Milliseconds an open breaker waits before letting one trial call through (default 5000). */
  resetAfterMs?: number;
  /** The clock (ms); injectable for tests. */
  now?: () => number;
}

/**
 * Per-service circuit breaker. closed: calls pass, consecutive failures are counted; at the
 * threshold it opens. open: calls are refused until `resetAfterMs` has passed, then it is half-open.
 * half-open: one trial call is let through; its success closes the breaker, its failure opens it
 * again for another `resetAfterMs`.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  private readonly failureThreshold: number;
  private readonly resetAfterMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = requireInteger('failureThreshold', options.failureThreshold ?? 3, 1, 1_000_000);
    this.resetAfterMs = requireNumberInRange('resetAfterMs', options.resetAfterMs ?? 5000, 0, 86_400_000);
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new InvalidInputError('now is not a function', 'pass a clock () => milliseconds, or leave it out');
    }
    this.now = options.now ?? (() => Date.now());
  }

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.resetAfterMs ? 'half-open' : 'open';
  }

  /** Consecutive failures counted so far. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** May a call go through now? In half-open, only one trial at a time. */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  recordFailure(): void {
    this.failures++;
    const wasTrial = this.openedAt !== null;
    this.trialInFlight = false;
    if (wasTrial || this.failures >= this.failureThreshold) this.openedAt = this.now();
  }
}
