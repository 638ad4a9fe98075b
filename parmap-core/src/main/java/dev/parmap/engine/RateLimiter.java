package dev.parmap.engine;

import dev.parmap.policy.RateLimit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state of a {@link dev.parmap.policy.RateLimit} within one call: hands out start times spaced
 * by the interval. Lock-free: a start reserves its slot with a compare-and-set, then sleeps until
 * it. A slot reserved by a start that is interrupted before using it stays used (the limit errs on
 * the slow side).
 */
final class RateLimiter {
  private final long intervalNanos;
  private final Ticker ticker;
  private final AtomicLong nextSlot;

  RateLimiter(long intervalNanos, Ticker ticker) {
    this.intervalNanos = intervalNanos;
    this.ticker = ticker;
    this.nextSlot = new AtomicLong(ticker.nanoTime());
  }

  /**
   * The time between two starts under {@code limit}: {@code period / permits}, at least one
   * nanosecond and at most {@link Long#MAX_VALUE} (about 292 years: a longer spacing, from a
   * "forever" period, means that after the first start no other comes).
   */
  static long intervalNanos(RateLimit limit) {
    return Math.max(1, Durations.saturatedNanos(limit.period().dividedBy(limit.permits())));
  }

  /** Waits until the calling start may begin; returns whether it had to wait for its slot. */
  boolean acquire() throws InterruptedException {
    while (true) {
      long now = ticker.nanoTime();
      long next = nextSlot.get();
      long slot = Math.max(now, next);
      // Saturated: a huge interval (a "forever" period) leaves the next slot at Long.MAX_VALUE,
      // never wrapped around to the past.
      if (nextSlot.compareAndSet(next, Durations.saturatedAdd(slot, intervalNanos))) {
        long wait = Durations.saturatedAdd(slot, -now);
        ticker.sleep(wait);
        return wait > 0;
      }
    }
  }
}
