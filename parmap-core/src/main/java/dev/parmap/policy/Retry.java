package dev.parmap.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How often an item is attempted, how long to wait between attempts, and which failures are worth
 * another attempt. Immutable; the {@code with...} methods return a new value.
 *
 * <pre>{@code
 * Retry retry = Retry.maxAttempts(4)                                   // 1 try + 3 retries
 *     .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5))     // 100 ms, 200 ms, 400 ms...
 *     .retryOn(IOException.class, TimeoutException.class);
 * }</pre>
 *
 * <p><b>Backoff.</b> Before attempt {@code k} (k ≥ 2) the item waits {@code initial × multiplier^(k
 * - 2)}, at most {@code max}, minus a random part of up to {@code jitter} of that (so that many
 * items failing together do not retry together). The defaults are 100 ms initial, 10 s max,
 * multiplier 2 and jitter 0.5. The wait is interruptible: a call that stops (fail fast, deadline,
 * cancellation) does not wait for it.
 *
 * <p><b>What is retried.</b> By default every {@link Exception}; never an {@link Error}. {@link
 * #retryOn} and {@link #retryIf} narrow it. The interruption parmap itself causes when it stops a
 * call is never retried.
 *
 * @since 0.1
 */
public final class Retry {
  private static final Retry NONE =
      new Retry(1, Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, 0.5, e -> true);

  private final int maxAttempts;
  private final Duration initialDelay;
  private final Duration maxDelay;
  private final double multiplier;
  private final double jitter;
  private final Predicate<? super Exception> retryable;

  private Retry(
      int maxAttempts,
      Duration initialDelay,
      Duration maxDelay,
      double multiplier,
      double jitter,
      Predicate<? super Exception> retryable) {
    this.maxAttempts = maxAttempts;
    this.initialDelay = initialDelay;
    this.maxDelay = maxDelay;
    this.multiplier = multiplier;
    this.jitter = jitter;
    this.retryable = retryable;
  }

  /**
   * No retry: each item is attempted once. The default of every call.
   *
   * @return the policy of a single attempt
   */
  public static Retry none() {
    return NONE;
  }

  /**
   * Up to {@code attempts} attempts per item (the first one included), with the default backoff.
   *
   * @param attempts the most attempts per item, at least 1
   * @return the policy
   * @throws IllegalArgumentException if {@code attempts < 1}
   */
  public static Retry maxAttempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, but was " + attempts);
    }
    return NONE.copy(attempts, NONE.initialDelay, NONE.maxDelay, NONE.multiplier, NONE.jitter);
  }

  /**
   * The same policy with an exponential backoff from {@code initial} up to {@code max}.
   *
   * <p>Any length is accepted; waits longer than {@link Long#MAX_VALUE} nanoseconds (about 292
   * years, e.g. {@code Duration.ofMillis(Long.MAX_VALUE)} as "forever") are counted as that long,
   * which in practice means until the call stops.
   *
   * @param initial the wait before the second attempt; zero for none
   * @param max the longest wait, at least {@code initial}
   * @return a new policy
   * @throws IllegalArgumentException if a duration is negative or {@code max < initial}
   */
  public Retry withBackoff(Duration initial, Duration max) {
    Objects.requireNonNull(initial, "initial must not be null");
    Objects.requireNonNull(max, "max must not be null");
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 <= initial <= max, but was initial=" + initial + ", max=" + max);
    }
    return copy(maxAttempts, initial, max, multiplier, jitter);
  }

  /**
   * The same policy with another growth factor between consecutive waits.
   *
   * @param factor at least 1 (1 means a constant wait)
   * @return a new policy
   * @throws IllegalArgumentException if {@code factor < 1} or not finite
   */
  public Retry withMultiplier(double factor) {
    if (!(factor >= 1) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException(
          "multiplier must be finite and at least 1, but was " + factor);
    }
    return copy(maxAttempts, initialDelay, maxDelay, factor, jitter);
  }

  /**
   * The same policy with another jitter: each wait is shortened by a random part of up to this
   * fraction of it.
   *
   * @param fraction between 0 (no jitter) and 1
   * @return a new policy
   * @throws IllegalArgumentException if {@code fraction} is outside [0, 1]
   */
  public Retry withJitter(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1, but was " + fraction);
    }
    return copy(maxAttempts, initialDelay, maxDelay, multiplier, fraction);
  }

  /**
   * The same policy, retrying only failures that are instances of one of {@code types}.
   *
   * @param types the exception types worth another attempt; at least one
   * @return a new policy
   * @throws IllegalArgumentException if no type is given
   */
  @SafeVarargs
  public final Retry retryOn(Class<? extends Exception>... types) {
    List<Class<? extends Exception>> list = List.of(types);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("retryOn needs at least one exception type");
    }
    return retryIf(e -> list.stream().anyMatch(type -> type.isInstance(e)));
  }

  /**
   * The same policy, retrying only failures that {@code predicate} accepts.
   *
   * @param predicate decides, for an attempt's exception, whether to try again
   * @return a new policy
   */
  public Retry retryIf(Predicate<? super Exception> predicate) {
    Objects.requireNonNull(predicate, "predicate must not be null");
    return new Retry(maxAttempts, initialDelay, maxDelay, multiplier, jitter, predicate);
  }

  /**
   * The most attempts per item, the first one included.
   *
   * @return at least 1
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Whether {@code failure}, thrown by an attempt, may be retried (attempts left permitting).
   *
   * @param failure what the attempt threw
   * @return {@code true} for an {@link Exception} the policy accepts; never for an {@link Error}
   */
  public boolean shouldRetry(Throwable failure) {
    return maxAttempts > 1 && failure instanceof Exception e && retryable.test(e);
  }

  /**
   * The wait before attempt {@code attempt}.
   *
   * @param attempt the attempt about to start, at least 2
   * @param random a number in [0, 1) that picks the jitter
   * @return the wait, between {@code (1 - jitter) × base} and {@code base}, at most {@link
   *     Long#MAX_VALUE} nanoseconds (about 292 years)
   */
  public Duration delayBefore(int attempt, double random) {
    if (attempt < 2) {
      throw new IllegalArgumentException("the first attempt has no delay; attempt was " + attempt);
    }
    // In double nanoseconds: a "forever" backoff (Duration.ofMillis(Long.MAX_VALUE)) does not
    // overflow, and the cast back saturates at Long.MAX_VALUE nanoseconds (about 292 years).
    double base = nanos(initialDelay) * Math.pow(multiplier, attempt - 2);
    base = Math.min(base, nanos(maxDelay));
    double jittered = base * (1 - jitter * random);
    return Duration.ofNanos((long) jittered);
  }

  private static double nanos(Duration duration) {
    return duration.getSeconds() * 1e9 + duration.getNano();
  }

  private Retry copy(
      int attempts, Duration initial, Duration max, double factor, double jitterFraction) {
    return new Retry(attempts, initial, max, factor, jitterFraction, retryable);
  }

  @Override
  public String toString() {
    return maxAttempts == 1
        ? "Retry.none()"
        : "Retry.maxAttempts("
            + maxAttempts
            + ").withBackoff("
            + initialDelay
            + ", "
            + maxDelay
            + ").withMultiplier("
            + multiplier
            + ").withJitter("
            + jitter
            + ")";
  }
}
