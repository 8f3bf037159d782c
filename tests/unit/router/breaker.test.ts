import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/services/router/breaker';
import { InvalidInputError } from '../../../src/errors';

function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures; a success in between resets the count', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 3, resetAfterMs: 100, now: c.now });
    b.recordFailure();
    b.recordFailure();
    b.recordSuccess();
    b.recordFailure();
    b.recordFailure();
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
    b.recordFailure();
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
  });

  it('turns half-open after the delay, lets one trial through, and a success closes it', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 1, resetAfterMs: 100, now: c.now });
    b.recordFailure();
    c.advance(99);
    expect(b.state).toBe('open');
    c.advance(1);
    expect(b.state).toBe('half-open');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false); // one trial at a time
    b.recordSuccess();
    expect(b.state).toBe('closed');
    expect(b.consecutiveFailures).toBe(0);
  });

  it('a failed trial opens it again for another delay', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 2, resetAfterMs: 50, now: c.now });
    b.recordFailure();
    b.recordFailure();
    c.advance(50);
    expect(b.allow()).toBe(true);
    b.recordFailure();
    expect(b.state).toBe('open');
    c.advance(49);
    expect(b.state).toBe('open');
    c.advance(1);
    expect(b.state).toBe('half-open');
  });

  it('rejects bad options with typed errors', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(InvalidInputError);
    expect(() => new CircuitBreaker({ resetAfterMs: -1 })).toThrow(InvalidInputError);
    expect(() => new CircuitBreaker({ now: 5 as unknown as () => number })).toThrow(InvalidInputError);
  });
});
