package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.MapOptions;
import dev.parmap.TestAccess;
import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The item policies as a chain: retry outermost, then the rate limit, then the task. */
class PolicyChainTest {
  private final FakeTicker ticker = new FakeTicker(true);
  private final Chunk chunk = new Chunk(0, 1, new Object[] {"item"}, null, 0);

  private ItemPolicies policies(MapOptions options, Work task) {
    return new ItemPolicies(
        (item, index, chunk) -> task.apply(item),
        TestAccess.forEngine(options),
        ticker,
        null,
        () -> false,
        () -> -1);
  }

  @Test
  void theAttemptsAnItemTookAreReturnedAsAValueNotWrittenIntoTheChunk() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ItemPolicies chain =
        policies(
            MapOptions.builder()
                .retry(
                    Retry.builder()
                        .maxAttempts(5)
                        .backoff(Duration.ofMillis(10), Duration.ofMillis(10))
                        .jitter(0)
                        .build())
                .build(),
            item -> {
              if (calls.incrementAndGet() < 3) {
                throw new IOException("flaky");
              }
              return item + "!";
            });
    RetryPolicy.Attempted attempted = chain.run("a", 0, chunk);
    assertThat(attempted.value()).isEqualTo("a!");
    assertThat(attempted.attempts()).isEqualTo(3);
    assertThat(chunk.attempts).as("the chunk is left alone").isEqualTo(1);
    assertThat(chunk.retries).isZero();
    assertThat(ticker.sleeps()).containsExactly(10_000_000L, 10_000_000L);
  }

  @Test
  void everyAttemptWaitsForItsOwnRateLimitSlotAfterTheBackoff() throws Exception {
    List<Long> startedAt = new ArrayList<>();
    ItemPolicies chain =
        policies(
            MapOptions.builder()
                .retry(
                    Retry.builder()
                        .maxAttempts(3)
                        .backoff(Duration.ofMillis(1), Duration.ofMillis(1))
                        .jitter(0)
                        .build())
                .rateLimit(RateLimit.of(1, Duration.ofSeconds(1)))
                .build(),
            item -> {
              startedAt.add(ticker.nanoTime());
              if (startedAt.size() < 3) {
                throw new IOException("again");
              }
              return item;
            });
    assertThat(chain.run("a", 0, chunk).attempts()).isEqualTo(3);
    assertThat(startedAt).hasSize(3);
    for (int i = 1; i < startedAt.size(); i++) {
      assertThat(startedAt.get(i) - startedAt.get(i - 1))
          .as("attempt %d waited for its slot, a second after the previous one", i + 1)
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
    }
  }

  @Test
  void aRateLimitWaitCutShortIsNotAnAttemptAndTheTaskDoesNotRun() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Step limited =
        RateLimitPolicy.wrap(
            new RateLimiter(Duration.ofSeconds(1).toNanos(), ticker),
            (item, index, running) -> calls.incrementAndGet());
    limited.run("first", 0, chunk); // the first slot is now
    Thread.currentThread().interrupt(); // the call stops while the next start waits
    Step.WaitCut cut = catchThrowableOfType(Step.WaitCut.class, () -> limited.run("b", 1, chunk));
    Thread.interrupted();
    assertThat(cut).hasCauseInstanceOf(InterruptedException.class);
    assertThat(calls).as("the task of the cut wait never ran").hasValue(1);

    RetryPolicy retry = new RetryPolicy(Retry.none(), ticker, () -> false, () -> -1);
    RetryPolicy.Failed failed =
        catchThrowableOfType(
            RetryPolicy.Failed.class,
            () ->
                retry.run(
                    (item, index, running) -> {
                      throw new Step.WaitCut(new InterruptedException());
                    },
                    "c",
                    2,
                    chunk));
    assertThat(failed.attempts).as("no attempt started").isZero();
    assertThat(failed.failures).isEmpty();
    assertThat(failed.last).isInstanceOf(InterruptedException.class);
  }
}
