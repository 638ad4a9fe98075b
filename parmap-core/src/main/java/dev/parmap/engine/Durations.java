package dev.parmap.engine;

import java.time.Duration;

/**
 * Saturating arithmetic on durations and {@link System#nanoTime()} instants. A {@link Duration} can
 * hold far more than a {@code long} of nanoseconds (about 292 years), and "forever" is commonly
 * written {@code Duration.ofMillis(Long.MAX_VALUE)} or {@code Duration.ofDays(365_000)}: every
 * consumer of the options' durations counts them with these methods, so such a duration means "no
 * bound" instead of an {@link ArithmeticException} or a wrapped, negative time.
 */
final class Durations {
  private Durations() {}

  /**
   * {@code duration} in nanoseconds, at most {@link Long#MAX_VALUE}.
   *
   * <p>Adding the result to a {@code nanoTime()} instant and comparing by difference ({@code now -
   * until >= 0}) stays correct even though the sum wraps: the difference is at least {@code
   * -Long.MAX_VALUE} and does not overflow.
   */
  static long saturatedNanos(Duration duration) {
    if (duration.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L) {
      return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0
          ? Long.MAX_VALUE
          : duration.toNanos();
    }
    return duration.toNanos();
  }

  /** {@code a + b}, or {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE} where it would overflow. */
  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }
}
