package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.engine.FakeTicker;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A retry waits as long as the failure says (an HTTP Retry-After), within the call's deadline. */
class ServerDirectedRetryTest {

  /** An HTTP 429 with its Retry-After. */
  static final class TooManyRequests extends IOException {
    private static final long serialVersionUID = 1L;
    final transient Duration retryAfter;

    TooManyRequests(Duration retryAfter) {
      super("429 Too Many Requests, Retry-After " + retryAfter.toSeconds());
      this.retryAfter = retryAfter;
    }
  }

  private static Optional<Duration> retryAfter(Exception e) {
    return e instanceof TooManyRequests tooMany
        ? Optional.of(tooMany.retryAfter)
        : Optional.empty();
  }

  private static Retry.Builder retry() {
    return Retry.builder()
        .maxAttempts(3)
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
        .jitter(0)
        .delayFrom(ServerDirectedRetryTest::retryAfter);
  }

  @Test
  void aRetryWaitsWhatTheFailureSaysAndTheBackoffOtherwise() {
    FakeTicker ticker = new FakeTicker(true);
    AtomicInteger attempt = new AtomicInteger();
    MapOptions options = MapOptions.builder().retry(retry().build()).build();
    try (Pool pool = Pool.virtual().clockedBy(ticker).with(options)) {
      List<String> results =
          pool.map(
              List.of("page"),
              item -> {
                switch (attempt.incrementAndGet()) {
                  case 1 -> throw new TooManyRequests(Duration.ofSeconds(30));
                  case 2 -> throw new IOException("connection reset");
                  default -> {
                    return item + " ok";
                  }
                }
              });
      assertThat(results).containsExactly("page ok");
    }
    // 30 s as the server said (beyond the backoff's 1 s maximum), then the backoff's 200 ms.
    assertThat(ticker.sleeps())
        .containsExactly(Duration.ofSeconds(30).toNanos(), Duration.ofMillis(200).toNanos());
  }

  @Test
  void aWaitThatWouldEndAfterTheDeadlineEndsTheItemAtOnceWithTheFailure() {
    FakeTicker ticker = new FakeTicker(true);
    AtomicInteger attempts = new AtomicInteger();
    MapOptions options =
        MapOptions.builder().retry(retry().build()).deadline(Duration.ofMinutes(1)).build();
    try (Pool pool = Pool.virtual().clockedBy(ticker).with(options)) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.map(
                      List.of("page"),
                      item -> {
                        attempts.incrementAndGet();
                        throw new TooManyRequests(Duration.ofHours(1));
                      }));
      assertThat(failure.getCause()).isInstanceOf(TooManyRequests.class);
      assertThat(failure.attempts()).isEqualTo(1);
    }
    assertThat(attempts).hasValue(1);
    assertThat(ticker.sleeps()).isEmpty(); // it did not wait for an hour the call does not have
  }

  @Test
  void withOutcomesTheItemIsAFailureWithTheServersAnswer() {
    FakeTicker ticker = new FakeTicker(true);
    MapOptions options =
        MapOptions.builder().retry(retry().build()).deadline(Duration.ofMinutes(1)).build();
    try (Pool pool = Pool.virtual().clockedBy(ticker).with(options)) {
      Outcomes<String, String> outcomes =
          pool.mapOutcomes(
              List.of("a", "b"),
              item -> {
                if (item.equals("b")) {
                  throw new TooManyRequests(Duration.ofHours(1));
                }
                return item;
              });
      assertThat(outcomes.successes()).hasSize(1);
      assertThat(outcomes.failures())
          .singleElement()
          .satisfies(f -> assertThat(f.cause()).isInstanceOf(TooManyRequests.class));
    }
  }

  @Test
  void theDelayFunctionIsPartOfThePolicysValue() {
    Retry plain = Retry.builder().maxAttempts(3).build();
    Retry told = plain.toBuilder().delayFrom(ServerDirectedRetryTest::retryAfter).build();
    assertThat(plain.delayFrom()).isEmpty();
    assertThat(told.delayFrom()).isPresent();
    assertThat(told).isNotEqualTo(plain);
    assertThat(told.toBuilder().build()).isEqualTo(told).hasSameHashCodeAs(told);
    assertThat(told.toString()).contains("delayFrom=");
  }
}
