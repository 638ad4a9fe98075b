package dev.parmap.engine;

import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Adaptive concurrency as a link of the policy chain: each attempt waits for room under the limit,
 * and its end (its latency, and whether it failed with overload) moves the limit. Placed inside the
 * rate limit (a start slot is taken first) and outside the timeout (a timeout is overload).
 */
final class AdaptivePolicy {
  private AdaptivePolicy() {}

  /** {@code next}, each attempt of which runs under {@code limiter}. */
  static Step wrap(
      AdaptiveLimiter limiter, Ticker ticker, Predicate<? super Throwable> overloadIf, Step next) {
    return (item, index, chunk) -> {
      try {
        limiter.acquire();
      } catch (InterruptedException e) {
        throw new Step.WaitCut(e);
      }
      long start = ticker.nanoTime();
      @Nullable Object result;
      try {
        result = next.run(item, index, chunk);
      } catch (Throwable e) {
        limiter.release(ticker.nanoTime() - start, isOverload(e, overloadIf));
        throw e;
      }
      limiter.release(ticker.nanoTime() - start, false);
      return result;
    };
  }

  private static boolean isOverload(Throwable e, Predicate<? super Throwable> overloadIf) {
    if (e instanceof TimeoutException) {
      return true;
    }
    try {
      return overloadIf.test(e);
    } catch (RuntimeException broken) {
      e.addSuppressed(broken); // the classifier's own failure is shown with the attempt's
      return false;
    }
  }
}
