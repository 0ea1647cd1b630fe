import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { gatewayProblems } from './problems.ts';

/** Breaker states as exported in metrics: 0 closed, 1 open, 2 half-open. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * The circuit breaker in front of the upstream (cockatiel): after `failures` consecutive failed
 * calls it opens, and every call fails at once with a 503 Problem carrying `Retry-After` (the
 * seconds left before it half-opens); after `halfOpenMs` one trial call goes through (others wait
 * for its outcome, bounded by the upstream timeout): a success closes it, a failure opens it again.
 *
 * What counts as a failure is the caller's: `failed.error` for thrown errors (not a client's abort
 * or its bad request), `failed.result` for results (an upstream 5xx).
 */
export class Breaker {
  private readonly policy: CircuitBreakerPolicy;
  private openedAt = 0;
  /** Times the breaker opened since start. */
  opened = 0;

  /**
   * @param failures consecutive failures that open the circuit.
   * @param halfOpenMs how long it stays open, ms.
   * @param failed which errors and results count as failures.
   */
  constructor(failures: number, private readonly halfOpenMs: number, failed: { error(err: unknown): boolean; result(r: unknown): boolean }) {
    const handled = handleWhen((err) => failed.error(err)).orWhenResult((r) => failed.result(r));
    this.policy = circuitBreaker(handled, { halfOpenAfter: halfOpenMs, breaker: new ConsecutiveBreaker(failures) });
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
      this.opened++;
    });
  }

  /** Current state. */
  get state(): BreakerState {
    const s = this.policy.state;
    return s === CircuitState.Closed ? 'closed' : s === CircuitState.HalfOpen ? 'half-open' : 'open';
  }

  /**
   * Runs `fn` through the breaker.
   * @throws Problem 503 (`Retry-After`) while the circuit is open; otherwise whatever `fn` throws.
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(fn);
    } catch (err) {
      if (!(err instanceof BrokenCircuitError)) throw err;
      const left = this.openedAt + this.halfOpenMs - Date.now();
      throw gatewayProblems.circuitOpen(Math.max(1, Math.ceil(left / 1000)));
    }
  }
}
