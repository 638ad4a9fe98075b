package dev.parmap.engine;

import dev.parmap.policy.Retry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The retry of a call: the outermost link of the policy chain. It runs the rest of the chain once
 * per attempt, waits between attempts (the failure's own delay if {@link Retry#delayFrom()} gives
 * one, else the backoff), and returns the result with the number of attempts it took, or throws
 * {@link Failed} with every attempt's failure.
 */
final class RetryPolicy {
  private final Retry retry;
  private final Ticker ticker;
  private final BooleanSupplier stopping;
  private final LongSupplier deadlineNanosLeft;

  /**
   * @param stopping whether the call is stopping (no further attempt then)
   * @param deadlineNanosLeft the time left before the call's deadline, or -1 if it has none
   */
  RetryPolicy(
      Retry retry, Ticker ticker, BooleanSupplier stopping, LongSupplier deadlineNanosLeft) {
    this.retry = retry;
    this.ticker = ticker;
    this.stopping = stopping;
    this.deadlineNanosLeft = deadlineNanosLeft;
  }

  /** An item's result and how many attempts it took. */
  record Attempted(@Nullable Object value, int attempts) {}

  /** Every attempt of an item failed (or the call stopped between attempts). */
  static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;

    /** What each attempt that ran threw, in order (empty if none ran). */
    final transient List<Throwable> failures;

    /** How many attempts ran. */
    final int attempts;

    /** Why the item ended: the last attempt's failure, or what cut a wait short. */
    final transient Throwable last;

    final long nanos;

    Failed(List<Throwable> failures, int attempts, Throwable last, long nanos) {
      super(null, null, false, false); // a carrier, never shown: no stack trace
      this.failures = failures;
      this.attempts = attempts;
      this.last = last;
      this.nanos = nanos;
    }
  }

  /** Runs {@code attempt} on {@code item}, again as the retry policy allows. */
  Attempted run(Step attempt, @Nullable Object item, long index, Chunk chunk) throws Failed {
    long first = ticker.nanoTime();
    List<Throwable> failures = new ArrayList<>(Math.min(retry.maxAttempts(), 8));
    for (int n = 1; ; n++) {
      Throwable failure;
      try {
        return new Attempted(attempt.run(item, index, chunk), n);
      } catch (Step.WaitCut e) {
        Throwable cause = e.getCause();
        // A wait before the attempt was cut short: it never started.
        throw new Failed(failures, n - 1, cause != null ? cause : e, ticker.nanoTime() - first);
      } catch (Throwable e) { // every failure is the item's: Errors included
        failure = e;
      }
      failures.add(failure);
      long delay =
          stopping.getAsBoolean()
              ? -1
              : nextDelayNanos(retry, failure, n, deadlineNanosLeft, ticker);
      if (delay < 0) {
        throw new Failed(failures, n, failure, ticker.nanoTime() - first);
      }
      try {
        ticker.sleep(delay);
      } catch (InterruptedException e) {
        // A wait between attempts was cut short (the call is stopping): the item ends with the
        // attempts that ran.
        throw new Failed(failures, n, e, ticker.nanoTime() - first);
      }
    }
  }

  /**
   * The retry decision after attempt {@code attempts} of an item failed with {@code failure}: the
   * wait before the next attempt in nanoseconds (the failure's own delay if {@link
   * Retry#delayFrom()} gives one, else the backoff with {@code ticker}'s jitter), or -1 if the item
   * fails for good: no attempt left, a failure {@code retry} does not retry, or a wait the failure
   * asks for that would end past the deadline. Used by this policy and, through {@link
   * RemotePolicies}, by front ends that retry at the caller.
   *
   * @param deadlineNanosLeft the time left before the call's deadline, or -1 if it has none
   */
  static long nextDelayNanos(
      Retry retry, Throwable failure, int attempts, LongSupplier deadlineNanosLeft, Ticker ticker) {
    if (attempts >= retry.maxAttempts() || !mayRetry(retry, failure)) {
      return -1;
    }
    long told = toldDelayNanos(retry, failure);
    if (told < 0) {
      return backoffNanos(retry, attempts + 1, ticker.random());
    }
    long left = deadlineNanosLeft.getAsLong();
    // The next attempt could only start after the deadline: the item ends now.
    return left >= 0 && told > left ? -1 : told;
  }

  /**
   * Whether {@code retry} accepts another attempt after {@code failure}, attempts left permitting:
   * an {@link Exception} its {@linkplain Retry#retryable() predicate} accepts, never an {@link
   * Error}.
   */
  static boolean mayRetry(Retry retry, Throwable failure) {
    return retry.maxAttempts() > 1 && failure instanceof Exception e && retry.retryable().test(e);
  }

  /**
   * The wait the failure asks for ({@link Retry.Builder#delayFrom}), in nanoseconds, at least 0; or
   * -1 when it asks for none and the backoff applies.
   */
  static long toldDelayNanos(Retry retry, Throwable failure) {
    Function<? super Exception, Optional<Duration>> delay = retry.delayFrom().orElse(null);
    if (delay == null || !(failure instanceof Exception e)) {
      return -1;
    }
    Optional<Duration> told = delay.apply(e);
    if (told == null || told.isEmpty()) {
      return -1;
    }
    return Math.max(0, Durations.saturatedNanos(told.get()));
  }

  /**
   * The wait before attempt {@code attempt} (at least 2), in nanoseconds: {@code initial ×
   * multiplier^(attempt - 2)}, at most {@code max}, shortened by {@code jitter × random} of itself.
   * Computed in double nanoseconds so that a "forever" backoff ({@code
   * Duration.ofMillis(Long.MAX_VALUE)}) does not overflow; the cast back saturates at {@link
   * Long#MAX_VALUE} (about 292 years).
   *
   * @param random a number in [0, 1) that picks the jitter
   */
  static long backoffNanos(Retry retry, int attempt, double random) {
    if (attempt < 2) {
      throw new IllegalArgumentException("the first attempt has no delay; attempt was " + attempt);
    }
    double base = nanos(retry.initialDelay()) * Math.pow(retry.multiplier(), attempt - 2);
    base = Math.min(base, nanos(retry.maxDelay()));
    return (long) (base * (1 - retry.jitter() * random));
  }

  private static double nanos(Duration duration) {
    return duration.getSeconds() * 1e9 + duration.getNano();
  }
}
