package dev.parmap.engine;

import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The item policies of a call whose chunks run elsewhere ({@link ChunkRunner}), for a front end
 * that runs them split between the caller and where the items run (the cluster): the retry
 * decision, the rate limit's starts and the wording of a timeout, each the same code the local
 * policy chain runs ({@link RetryPolicy}, {@link RateLimiter} with a {@code shared()} limit's
 * state, {@link TimeoutPolicy}), so that a call gives the same outcomes wherever its items run.
 * Thread-safe; one per call.
 */
public final class RemotePolicies {
  private final Retry retry;
  private final Ticker ticker;
  private final @Nullable RateLimiter rate;

  private RemotePolicies(Retry retry, Ticker ticker, @Nullable RateLimiter rate) {
    this.retry = retry;
    this.ticker = ticker;
    this.rate = rate;
  }

  /** The policies of a call with {@code options}, on {@code ticker}'s clock (the pool's). */
  public static RemotePolicies of(CallOptions options, Ticker ticker) {
    RateLimit limit = options.rateLimit();
    return new RemotePolicies(
        options.retry(), ticker, limit == null ? null : SharedLimits.rate(limit, ticker));
  }

  /** Whether an item may be attempted more than once. */
  public boolean retries() {
    return retry.maxAttempts() > 1;
  }

  /** The clock the policies wait on: the pool's. */
  public Ticker ticker() {
    return ticker;
  }

  /**
   * After attempt {@code attempts} of an item failed with {@code failure}: the wait before its next
   * attempt, in nanoseconds (the failure's own delay if the retry's {@code delayFrom} gives one,
   * else the backoff), or -1 if the item fails for good (no attempt left, a failure the policy does
   * not retry, an {@link Error}, or a wait the failure asks for that would end past the deadline).
   * As the local retry decides; the caller checks beforehand that the call is not stopping.
   *
   * @param deadlineNanosLeft the time left before the call's deadline, or -1 if it has none
   */
  public long nextAttemptDelayNanos(Throwable failure, int attempts, long deadlineNanosLeft) {
    return RetryPolicy.nextDelayNanos(retry, failure, attempts, () -> deadlineNanosLeft, ticker);
  }

  /**
   * Waits until {@code starts} more attempts may start under the call's rate limit (at once without
   * one): each reserves its own slot, as a local attempt does.
   *
   * @return how many of them had to wait for their slot (for statistics)
   * @throws InterruptedException if the call stops meanwhile; the slots reserved stay used
   */
  public int awaitStarts(int starts) throws InterruptedException {
    RateLimiter limiter = rate;
    int waited = 0;
    for (int i = 0; limiter != null && i < starts; i++) {
      if (limiter.acquire()) {
        waited++;
      }
    }
    return waited;
  }

  /**
   * The failure of an attempt of item {@code index} that a timeout of {@code limit} interrupted,
   * worded as a local call's; {@code cause} is what the task threw on interruption.
   */
  public static TimeoutException timedOut(long index, Duration limit, Throwable cause) {
    return TimeoutPolicy.timedOut(index, limit, cause);
  }
}
