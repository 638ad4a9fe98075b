package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The policy values on their own: backoff arithmetic, what is retried, validation. */
class RetryPolicyTest {

  @Test
  void backoffGrowsByTheMultiplierUpToTheMaximumAndJitterShortensIt() {
    Retry retry =
        Retry.maxAttempts(10)
            .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
            .withMultiplier(2)
            .withJitter(0.5);
    assertThat(retry.delayBefore(2, 0)).isEqualTo(Duration.ofMillis(100));
    assertThat(retry.delayBefore(3, 0)).isEqualTo(Duration.ofMillis(200));
    assertThat(retry.delayBefore(4, 0)).isEqualTo(Duration.ofMillis(400));
    assertThat(retry.delayBefore(5, 0)).isEqualTo(Duration.ofMillis(500));
    assertThat(retry.delayBefore(9, 0)).isEqualTo(Duration.ofMillis(500));
    // jitter 0.5 with the random number at 0.999...: about half of the base.
    assertThat(retry.delayBefore(2, 0.999_999))
        .isBetween(Duration.ofMillis(50), Duration.ofMillis(51));
    assertThatThrownBy(() -> retry.delayBefore(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exceptionsAreRetriedByDefaultButNeverErrors() {
    Retry retry = Retry.maxAttempts(2);
    assertThat(retry.shouldRetry(new IOException())).isTrue();
    assertThat(retry.shouldRetry(new IllegalStateException())).isTrue();
    assertThat(retry.shouldRetry(new AssertionError())).isFalse();
    assertThat(Retry.none().shouldRetry(new IOException())).isFalse();
  }

  @Test
  void retryOnAndRetryIfNarrowWhatIsRetried() {
    Retry onIo = Retry.maxAttempts(3).retryOn(IOException.class);
    assertThat(onIo.shouldRetry(new java.io.FileNotFoundException())).isTrue();
    assertThat(onIo.shouldRetry(new IllegalStateException())).isFalse();
    Retry byMessage = Retry.maxAttempts(3).retryIf(e -> "again".equals(e.getMessage()));
    assertThat(byMessage.shouldRetry(new IOException("again"))).isTrue();
    assertThat(byMessage.shouldRetry(new IOException("never"))).isFalse();
    // Narrowing survives later changes of the backoff.
    assertThat(onIo.withJitter(0).shouldRetry(new IllegalStateException())).isFalse();
  }

  @Test
  void invalidPolicyValuesAreRejectedWithTheirValue() {
    assertThatThrownBy(() -> Retry.maxAttempts(0))
        .hasMessage("attempts must be at least 1, but was 0");
    assertThatThrownBy(() -> Retry.maxAttempts(2).withJitter(1.5))
        .hasMessage("jitter must be between 0 and 1, but was 1.5");
    assertThatThrownBy(() -> Retry.maxAttempts(2).withMultiplier(0.5))
        .hasMessageContaining("at least 1, but was 0.5");
    assertThatThrownBy(
            () -> Retry.maxAttempts(2).withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("initial <= max");
    assertThatThrownBy(() -> Retry.maxAttempts(2).retryOn())
        .hasMessageContaining("at least one exception type");
    assertThatThrownBy(() -> RateLimit.of(0, Duration.ofSeconds(1)))
        .hasMessage("permits must be at least 1, but was 0");
    assertThatThrownBy(() -> RateLimit.of(1, Duration.ZERO))
        .hasMessage("period must be positive, but was PT0S");
    assertThatThrownBy(() -> MapOptions.builder().timeout(Duration.ofSeconds(-1)))
        .hasMessage("timeout must be positive, but was PT-1S");
    assertThatThrownBy(() -> MapOptions.builder().maxConcurrency(0))
        .hasMessage("maxConcurrency must be at least 1, but was 0");
  }

  @Test
  void rateLimitIntervalIsThePeriodDividedByThePermits() {
    assertThat(RateLimit.of(50, Duration.ofSeconds(1)).interval()).isEqualTo(Duration.ofMillis(20));
    assertThat(RateLimit.of(3, Duration.ofSeconds(1))).hasToString("RateLimit.of(3, PT1S)");
  }

  @Test
  void optionsAreValuesThatRoundTripThroughTheirBuilder() {
    MapOptions options =
        MapOptions.builder()
            .timeout(Duration.ofSeconds(2))
            .deadline(Duration.ofMinutes(1))
            .retry(Retry.maxAttempts(3))
            .rateLimit(RateLimit.of(10, Duration.ofSeconds(1)))
            .maxConcurrency(4)
            .cancellationGrace(Duration.ofSeconds(5))
            .build();
    MapOptions copy = options.toBuilder().build();
    assertThat(copy.timeout()).contains(Duration.ofSeconds(2));
    assertThat(copy.deadline()).contains(Duration.ofMinutes(1));
    assertThat(copy.retry().maxAttempts()).isEqualTo(3);
    assertThat(copy.rateLimit()).isPresent();
    assertThat(copy.maxConcurrency()).hasValue(4);
    assertThat(copy.cancellationGrace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(MapOptions.defaults().timeout()).isEmpty();
    assertThat(MapOptions.defaults().maxConcurrency()).isEmpty();
    assertThat(options.toString()).contains("timeout=PT2S", "maxConcurrency=4");
  }

  @Test
  void rateLimiterHandsOutEvenlySpacedSlotsToConcurrentStarts() throws Exception {
    FakeTicker ticker = new FakeTicker(false); // the clock stands still: slots queue up
    RateLimiter limiter = new RateLimiter(1_000, ticker);
    int threads = 8;
    int perThread = 50;
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    java.util.List<Thread> started = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      started.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                      for (int i = 0; i < perThread; i++) {
                        limiter.acquire();
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    go.countDown();
    for (Thread thread : started) {
      thread.join();
    }
    java.util.List<Long> wakeUps = new java.util.ArrayList<>(ticker.wakeUps());
    wakeUps.sort(null);
    assertThat(wakeUps).hasSize(threads * perThread);
    for (int i = 0; i < wakeUps.size(); i++) {
      assertThat(wakeUps.get(i)).isEqualTo(ticker.start() + 1_000L * i);
    }
  }
}
