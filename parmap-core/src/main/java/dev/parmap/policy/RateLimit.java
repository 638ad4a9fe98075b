package dev.parmap.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * At most a given number of item starts per period, spread evenly: one start every {@code period /
 * permits}, never a burst at a period boundary. Applies across all the threads of one call; every
 * attempt (retries included) is a start. Immutable.
 *
 * <pre>{@code
 * RateLimit.of(50, Duration.ofSeconds(1))   // one start every 20 ms
 * }</pre>
 *
 * <p>Any positive period is accepted; an interval longer than {@link Long#MAX_VALUE} nanoseconds
 * (about 292 years) is counted as that long (see {@link #interval()}).
 *
 * @since 0.1
 */
public final class RateLimit {
  private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

  private final int permits;
  private final Duration period;

  private RateLimit(int permits, Duration period) {
    this.permits = permits;
    this.period = period;
  }

  /**
   * At most {@code permits} starts per {@code period}, evenly spaced.
   *
   * @param permits starts per period, at least 1
   * @param period the period, positive
   * @return the policy
   * @throws IllegalArgumentException if {@code permits < 1} or the period is not positive
   */
  public static RateLimit of(int permits, Duration period) {
    Objects.requireNonNull(period, "period must not be null");
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1, but was " + permits);
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, but was " + period);
    }
    return new RateLimit(permits, period);
  }

  /**
   * The time between two consecutive starts.
   *
   * @return {@code period / permits}, at least one nanosecond and at most {@link Long#MAX_VALUE}
   *     nanoseconds (about 292 years: a longer interval, from a "forever" period such as {@code
   *     Duration.ofMillis(Long.MAX_VALUE)}, means that after the first start no other comes)
   */
  public Duration interval() {
    Duration each = period.dividedBy(permits);
    if (each.compareTo(LONGEST) >= 0) {
      return LONGEST;
    }
    return Duration.ofNanos(Math.max(1, each.toNanos()));
  }

  @Override
  public String toString() {
    return "RateLimit.of(" + permits + ", " + period + ")";
  }
}
