package dev.parmap.policy;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * At most a given number of item starts per period, spread evenly: one start every {@code period /
 * permits}, never a burst at a period boundary. Applies across all the threads of one call; every
 * attempt (retries included) is a start. An immutable value of two required parts, so it is made
 * with {@link #of} rather than a builder.
 *
 * <pre>{@code
 * RateLimit.of(50, Duration.ofSeconds(1))   // one start every 20 ms
 * }</pre>
 *
 * <p>Any positive period is accepted; a spacing longer than {@link Long#MAX_VALUE} nanoseconds
 * (about 292 years, from a "forever" period such as {@code Duration.ofMillis(Long.MAX_VALUE)}) is
 * counted as that long: after the first start no other comes. A spacing shorter than a nanosecond
 * is counted as one nanosecond.
 *
 * <p><b>Equality.</b> Two limits are equal when their permits and their periods are: {@code
 * RateLimit.of(50, 1 s)} and {@code RateLimit.of(100, 2 s)} space starts alike but are not equal.
 * {@link #toString()} reads, for example, {@code RateLimit[50 per PT1S]}.
 *
 * @since 0.1
 */
public final class RateLimit {
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
   * The starts allowed per {@link #period()}.
   *
   * @return at least 1
   */
  public int permits() {
    return permits;
  }

  /**
   * The period over which {@link #permits()} starts are spread.
   *
   * @return a positive duration
   */
  public Duration period() {
    return period;
  }

  /**
   * Whether {@code other} is a {@code RateLimit} with the same permits and period.
   *
   * @param other the object to compare with
   * @return whether the two limits are equal
   */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof RateLimit that && permits == that.permits && period.equals(that.period);
  }

  @Override
  public int hashCode() {
    return 31 * permits + period.hashCode();
  }

  /**
   * The permits and the period, for example {@code RateLimit[50 per PT1S]}.
   *
   * @return a description of this limit
   */
  @Override
  public String toString() {
    return "RateLimit[" + permits + " per " + period + "]";
  }
}
