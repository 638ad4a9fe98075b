package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.MapOptions;
import dev.parmap.observe.CallObserver;
import dev.parmap.observe.ContextPropagator;
import dev.parmap.observe.ProgressListener;
import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The policy values on their own: backoff arithmetic, what is retried, validation. */
class RetryPolicyTest {

  @Test
  void backoffGrowsByTheMultiplierUpToTheMaximumAndJitterShortensIt() {
    Retry retry =
        Retry.builder()
            .maxAttempts(10)
            .backoff(Duration.ofMillis(100), Duration.ofMillis(500))
            .multiplier(2)
            .jitter(0.5)
            .build();
    assertThat(RetryPolicy.backoffNanos(retry, 2, 0)).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(RetryPolicy.backoffNanos(retry, 3, 0)).isEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(RetryPolicy.backoffNanos(retry, 4, 0)).isEqualTo(Duration.ofMillis(400).toNanos());
    assertThat(RetryPolicy.backoffNanos(retry, 5, 0)).isEqualTo(Duration.ofMillis(500).toNanos());
    assertThat(RetryPolicy.backoffNanos(retry, 9, 0)).isEqualTo(Duration.ofMillis(500).toNanos());
    // jitter 0.5 with the random number at 0.999...: about half of the base.
    assertThat(RetryPolicy.backoffNanos(retry, 2, 0.999_999))
        .isBetween(Duration.ofMillis(50).toNanos(), Duration.ofMillis(51).toNanos());
    assertThatThrownBy(() -> RetryPolicy.backoffNanos(retry, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exceptionsAreRetriedByDefaultButNeverErrors() {
    Retry retry = Retry.builder().maxAttempts(2).build();
    assertThat(RetryPolicy.mayRetry(retry, new IOException())).isTrue();
    assertThat(RetryPolicy.mayRetry(retry, new IllegalStateException())).isTrue();
    assertThat(RetryPolicy.mayRetry(retry, new AssertionError())).isFalse();
    assertThat(RetryPolicy.mayRetry(Retry.none(), new IOException())).isFalse();
  }

  @Test
  void retryOnAndRetryIfNarrowWhatIsRetried() {
    Retry onIo = Retry.builder().maxAttempts(3).retryOn(IOException.class).build();
    assertThat(RetryPolicy.mayRetry(onIo, new java.io.FileNotFoundException())).isTrue();
    assertThat(RetryPolicy.mayRetry(onIo, new IllegalStateException())).isFalse();
    Retry byMessage =
        Retry.builder().maxAttempts(3).retryIf(e -> "again".equals(e.getMessage())).build();
    assertThat(RetryPolicy.mayRetry(byMessage, new IOException("again"))).isTrue();
    assertThat(RetryPolicy.mayRetry(byMessage, new IOException("never"))).isFalse();
    // Narrowing survives later changes of the backoff.
    assertThat(
            RetryPolicy.mayRetry(onIo.toBuilder().jitter(0).build(), new IllegalStateException()))
        .isFalse();
  }

  @Test
  void invalidPolicyValuesAreRejectedWithTheirValue() {
    assertThatThrownBy(() -> Retry.builder().maxAttempts(0).build())
        .hasMessage("attempts must be at least 1, but was 0");
    assertThatThrownBy(() -> Retry.builder().maxAttempts(2).jitter(1.5).build())
        .hasMessage("jitter must be between 0 and 1, but was 1.5");
    assertThatThrownBy(() -> Retry.builder().maxAttempts(2).multiplier(0.5).build())
        .hasMessageContaining("at least 1, but was 0.5");
    assertThatThrownBy(
            () ->
                Retry.builder()
                    .maxAttempts(2)
                    .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("initial <= max");
    assertThatThrownBy(() -> Retry.builder().maxAttempts(2).retryOn().build())
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
    assertThat(RateLimiter.intervalNanos(RateLimit.of(50, Duration.ofSeconds(1))))
        .isEqualTo(Duration.ofMillis(20).toNanos());
    // Never below a nanosecond: a start per nanosecond at most.
    assertThat(RateLimiter.intervalNanos(RateLimit.of(3, Duration.ofNanos(1)))).isEqualTo(1);
    assertThat(RateLimit.of(3, Duration.ofSeconds(1))).hasToString("RateLimit[3 per PT1S]");
  }

  @Test
  void retryIsAValueComparedOverEveryComponent() {
    Retry retry =
        Retry.builder()
            .maxAttempts(4)
            .backoff(Duration.ofMillis(100), Duration.ofSeconds(5))
            .jitter(0.2)
            .retryOn(IOException.class)
            .build();
    Retry same =
        Retry.builder()
            .retryOn(IOException.class)
            .jitter(0.2)
            .backoff(Duration.ofMillis(100), Duration.ofSeconds(5))
            .maxAttempts(4)
            .build();
    assertThat(retry).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(retry.toBuilder().build()).isEqualTo(retry).isNotSameAs(retry);
    assertThat(
            List.of(
                retry.toBuilder().maxAttempts(5).build(),
                retry.toBuilder().backoff(Duration.ofMillis(200), Duration.ofSeconds(5)).build(),
                retry.toBuilder().backoff(Duration.ofMillis(100), Duration.ofSeconds(6)).build(),
                retry.toBuilder().multiplier(3).build(),
                retry.toBuilder().jitter(0.3).build(),
                retry.toBuilder().retryOn(IOException.class, TimeoutException.class).build(),
                retry.toBuilder().retryOn(Exception.class).build()))
        .allSatisfy(other -> assertThat(other).isNotEqualTo(retry));
    assertThat(retry)
        .hasToString(
            "Retry[maxAttempts=4, backoff=PT0.1S..PT5S x2, jitter=0.2, retryOn=[IOException]]");
    assertThat(retry.toBuilder().multiplier(1.5).build().toString()).contains("x1.5");
    // The getters give back what was built.
    assertThat(retry.maxAttempts()).isEqualTo(4);
    assertThat(retry.initialDelay()).isEqualTo(Duration.ofMillis(100));
    assertThat(retry.maxDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(retry.multiplier()).isEqualTo(2.0);
    assertThat(retry.jitter()).isEqualTo(0.2);
    assertThat(retry.retryable().test(new IOException())).isTrue();
    // The defaults are values too: a builder's single attempt is none(), every exception the
    // default of what is retried.
    assertThat(Retry.builder().maxAttempts(1).build()).isEqualTo(Retry.none());
    assertThat(Retry.builder().retryOn(Exception.class).build()).isEqualTo(Retry.builder().build());
    assertThat(Retry.builder().build().maxAttempts()).isEqualTo(3);
  }

  @Test
  void aRetryPredicateIsComparedByItsOwnEquals() {
    Predicate<Exception> transientOnly = e -> e instanceof IOException;
    Retry retry = Retry.builder().retryIf(transientOnly).build();
    assertThat(Retry.builder().retryIf(transientOnly).build())
        .isEqualTo(retry)
        .hasSameHashCodeAs(retry);
    assertThat(Retry.builder().retryIf(e -> e instanceof IOException).build()).isNotEqualTo(retry);
    assertThat(retry.toString()).contains("retryIf=");
  }

  @Test
  void rateLimitIsAValueOfItsPermitsAndPeriod() {
    RateLimit limit = RateLimit.of(50, Duration.ofSeconds(1));
    assertThat(limit)
        .isEqualTo(RateLimit.of(50, Duration.ofMillis(1000)))
        .hasSameHashCodeAs(RateLimit.of(50, Duration.ofMillis(1000)))
        .isNotEqualTo(RateLimit.of(51, Duration.ofSeconds(1)))
        .isNotEqualTo(RateLimit.of(100, Duration.ofSeconds(2))) // the same spacing, another value
        .hasToString("RateLimit[50 per PT1S]");
    assertThat(limit.permits()).isEqualTo(50);
    assertThat(limit.period()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void optionsAreValuesThatRoundTripThroughTheirBuilder() {
    MapOptions options =
        MapOptions.builder()
            .timeout(Duration.ofSeconds(2))
            .deadline(Duration.ofMinutes(1))
            .retry(Retry.builder().maxAttempts(3).build())
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
  void optionsAreEqualWhenEveryOptionIsAndListenersAndPropagatorsCompareByTheirOwnEquals() {
    ProgressListener listener = call -> new CallObserver() {};
    ContextPropagator propagator = () -> () -> () -> {};
    MapOptions options =
        MapOptions.builder()
            .timeout(Duration.ofSeconds(2))
            .deadline(Duration.ofMinutes(1))
            .retry(Retry.builder().maxAttempts(3).build())
            .rateLimit(RateLimit.of(10, Duration.ofSeconds(1)))
            .maxConcurrency(4)
            .cancellationGrace(Duration.ofSeconds(5))
            .listener(listener)
            .progressInterval(Duration.ofSeconds(1))
            .propagate(propagator)
            .build();
    MapOptions same = options.toBuilder().build();
    assertThat(same).isEqualTo(options).hasSameHashCodeAs(options).isNotSameAs(options);
    assertThat(
            MapOptions.builder()
                .propagate(propagator)
                .progressInterval(Duration.ofSeconds(1))
                .listener(listener)
                .cancellationGrace(Duration.ofSeconds(5))
                .maxConcurrency(4)
                .rateLimit(RateLimit.of(10, Duration.ofSeconds(1)))
                .retry(Retry.builder().maxAttempts(3).build()) // an equal policy, another object
                .deadline(Duration.ofMinutes(1))
                .timeout(Duration.ofSeconds(2))
                .build())
        .isEqualTo(options);
    MapOptions.Builder base = MapOptions.builder();
    assertThat(base.build()).isEqualTo(MapOptions.defaults());
    assertThat(
            List.of(
                options.toBuilder().timeout(Duration.ofSeconds(3)).build(),
                options.toBuilder().deadline(Duration.ofMinutes(2)).build(),
                options.toBuilder().retry(Retry.none()).build(),
                options.toBuilder().rateLimit(RateLimit.of(11, Duration.ofSeconds(1))).build(),
                options.toBuilder().maxConcurrency(5).build(),
                options.toBuilder().cancellationGrace(Duration.ofSeconds(6)).build(),
                options.toBuilder()
                    .listener(call -> new CallObserver() {})
                    .build(), // alike, not same
                options.toBuilder().progressInterval(Duration.ofSeconds(2)).build(),
                options.toBuilder().propagate(propagator).build(), // twice is not once
                MapOptions.defaults()))
        .allSatisfy(other -> assertThat(other).isNotEqualTo(options));
    assertThat(MapOptions.defaults())
        .hasToString(
            "MapOptions[timeout=none, deadline=none, retry="
                + Retry.none()
                + ", rateLimit=none, adaptiveConcurrency=none, maxConcurrency=pool's,"
                + " cancellationGrace=PT30S,"
                + " listener=none, progressInterval=PT0.1S, propagators=[], failureBudget=none]");
    assertThat(options.toString())
        .contains(
            "timeout=PT2S",
            "rateLimit=RateLimit[10 per PT1S]",
            "maxConcurrency=4",
            "listener=" + listener,
            "propagators=[" + propagator + "]");
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
