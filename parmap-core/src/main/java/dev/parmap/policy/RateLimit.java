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
 * <p><b>Sharing.</b> Each call spaces its own starts. {@link #shared()} returns a limit whose
 * budget is shared by every call given that object, on any pool: calls toward one server then split
 * its rate instead of each getting all of it.
 *
 * <p><b>Equality.</b> Two limits that are not shared are equal when their permits and their periods
 * are: {@code RateLimit.of(50, 1 s)} and {@code RateLimit.of(100, 2 s)} space starts alike but are
 * not equal. A shared limit is equal only to itself. {@link #toString()} reads, for example, {@code
 * RateLimit[50 per PT1S]} (or {@code RateLimit[50 per PT1S, shared]}).
 *
 * @since 0.1
 */
public final class RateLimit {
  private final int permits;
  private final Duration period;
  private final boolean shared;

  private RateLimit(int permits, Duration period, boolean shared) {
    this.permits = permits;
    this.period = period;
    this.shared = shared;
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
    return new RateLimit(permits, period, false);
  }

  /**
   * A limit of the same rate whose budget is shared by every call given the returned object, on any
   * pool: together they start at most {@link #permits()} attempts per {@link #period()}.
   *
   * @return a new shared limit, equal only to itself
   */
  public RateLimit shared() {
    return new RateLimit(permits, period, true);
  }

  /**
   * Whether the calls given this object share its budget.
   *
   * @return true for a limit made by {@link #shared()}
   */
  public boolean isShared() {
    return shared;
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
   * Whether {@code other} is a {@code RateLimit} with the same permits and period (neither shared),
   * or this very limit (shared).
   *
   * @param other the object to compare with
   * @return whether the two limits are equal
   */
  @Override
  public boolean equals(@Nullable Object other) {
    if (shared || !(other instanceof RateLimit that) || that.shared) {
      return this == other;
    }
    return permits == that.permits && period.equals(that.period);
  }

  @Override
  public int hashCode() {
    return shared ? System.identityHashCode(this) : 31 * permits + period.hashCode();
  }

  /**
   * The permits and the period, for example {@code RateLimit[50 per PT1S]}.
   *
   * @return a description of this limit
   */
  @Override
  public String toString() {
    return "RateLimit[" + permits + " per " + period + (shared ? ", shared]" : "]");
  }
}
