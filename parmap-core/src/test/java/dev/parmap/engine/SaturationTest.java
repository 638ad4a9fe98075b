package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Durations too large for a {@code long} of nanoseconds mean "forever" in the engine's arithmetic
 * (moved here from HugeDurationTest, which checks the same through pools).
 */
class SaturationTest {
  private static final List<Duration> FOREVERS =
      List.of(
          Duration.ofMillis(Long.MAX_VALUE),
          Duration.ofDays(365_000),
          Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));

  @Test
  void aHugeRateLimitPeriodSaturatesTheInterval() {
    for (Duration forever : FOREVERS) {
      assertThat(RateLimiter.intervalNanos(RateLimit.of(1, forever))).isEqualTo(Long.MAX_VALUE);
    }
  }

  @Test
  void retryBackoffSaturates() {
    for (Duration forever : FOREVERS) {
      Retry retry = Retry.builder().maxAttempts(3).backoff(forever, forever).jitter(0).build();
      assertThat(RetryPolicy.backoffNanos(retry, 2, 0.5)).isEqualTo(Long.MAX_VALUE);
      assertThat(RetryPolicy.backoffNanos(retry, 3, 0.5)).isEqualTo(Long.MAX_VALUE);
    }
  }

  @Test
  void latencyBucketsAreMonotoneAndCoverTheirValues() {
    for (long nanos : new long[] {1, 2, 3, 100, 1_000, 123_456, 10_000_000_000L}) {
      int bucket = StatsRecorder.bucket(nanos);
      assertThat(StatsRecorder.upperBound(bucket)).isGreaterThanOrEqualTo(nanos);
      assertThat(StatsRecorder.upperBound(bucket)).isLessThanOrEqualTo((long) (nanos * 1.2) + 1);
    }
  }
}
