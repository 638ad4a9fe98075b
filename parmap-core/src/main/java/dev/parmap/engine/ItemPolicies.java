package dev.parmap.engine;

import dev.parmap.policy.AdaptiveConcurrency;
import dev.parmap.policy.RateLimit;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A call's item policies as one chain: retry outermost, then the rate limit (each attempt waits for
 * its slot), then adaptive concurrency (each attempt waits for room under the limit), then the
 * timeout (each attempt has its alarm), then the task. Built once per call; this is all the engine
 * knows of the policies. A {@code shared()} rate limit or adaptive limit brings the state every
 * call given it shares ({@link SharedLimits}).
 */
final class ItemPolicies {
  private final RetryPolicy retry;
  private final Step attempt;

  /**
   * @param task the task, the chain's innermost step
   * @param timer the pool's timer, for the timeout's alarms (null: the call has no timeout)
   * @param stopping whether the call is stopping (no further attempt then)
   * @param deadlineNanosLeft the time left before the call's deadline, or -1 if it has none
   */
  ItemPolicies(
      Step task,
      CallOptions options,
      Ticker ticker,
      @Nullable ScheduledExecutorService timer,
      BooleanSupplier stopping,
      LongSupplier deadlineNanosLeft) {
    Step step = task;
    Duration timeout = options.timeout();
    if (timeout != null && timer != null) {
      step = TimeoutPolicy.wrap(timeout, timer, step);
    }
    AdaptiveConcurrency adaptive = options.adaptiveConcurrency();
    if (adaptive != null) {
      step =
          AdaptivePolicy.wrap(SharedLimits.adaptive(adaptive), ticker, adaptive.overloadIf(), step);
    }
    RateLimit rate = options.rateLimit();
    if (rate != null) {
      step = RateLimitPolicy.wrap(SharedLimits.rate(rate, ticker), step);
    }
    this.attempt = step;
    this.retry = new RetryPolicy(options.retry(), ticker, stopping, deadlineNanosLeft);
  }

  /** Runs the item through the chain: its result and attempts, or every attempt's failure. */
  RetryPolicy.Attempted run(@Nullable Object item, long index, Chunk chunk)
      throws RetryPolicy.Failed {
    return retry.run(attempt, item, index, chunk);
  }
}
