package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.observe.CallObserver;
import dev.parmap.observe.Progress;
import dev.parmap.observe.ProgressListener;
import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Durations too long to count in nanoseconds (about 292 years), the usual ways of writing
 * "forever", mean no bound: every option that takes a {@link Duration} saturates them.
 */
class HugeDurationTest {

  /** How users write "forever". */
  private static final List<Duration> FOREVERS =
      List.of(
          Duration.ofMillis(Long.MAX_VALUE),
          Duration.ofDays(365_000),
          Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));

  private static final List<Integer> ITEMS = IntStream.range(0, 50).boxed().toList();
  private static final List<Integer> DOUBLED = ITEMS.stream().map(i -> 2 * i).toList();

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void hugeDurationsMeanForever(PoolKind kind) {
    for (Duration forever : FOREVERS) {
      List<MapOptions> options =
          List.of(
              MapOptions.builder().deadline(forever).build(),
              MapOptions.builder().timeout(forever).build(),
              MapOptions.builder().cancellationGrace(forever).build(),
              MapOptions.builder()
                  .retry(Retry.builder().maxAttempts(2).backoff(forever, forever).build())
                  .build(),
              MapOptions.builder()
                  .deadline(forever)
                  .timeout(forever)
                  .cancellationGrace(forever)
                  .progressInterval(forever)
                  .listener(call -> new CallObserver() {})
                  .build());
      for (MapOptions option : options) {
        try (Pool pool = kind.create(4).with(option)) {
          assertThat(pool.map(ITEMS, i -> 2 * i)).as("%s", option).isEqualTo(DOUBLED);
          assertThat(pool.mapOutcomes(ITEMS, i -> 2 * i).resultsOrThrow()).isEqualTo(DOUBLED);
          assertThat(pool.stream(ITEMS, i -> 2 * i).toList()).isEqualTo(DOUBLED);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void aHugeProgressIntervalGivesOnlyTheFinalProgressAndThePoolCloses(PoolKind kind) {
    for (Duration forever : FOREVERS) {
      List<Progress> seen = Collections.synchronizedList(new ArrayList<>());
      ProgressListener listener =
          call ->
              new CallObserver() {
                @Override
                public void onProgress(Progress progress) {
                  seen.add(progress);
                }
              };
      MapOptions options =
          MapOptions.builder().listener(listener).progressInterval(forever).build();
      Pool pool = kind.create(4).with(options);
      try {
        assertThat(pool.map(ITEMS, i -> 2 * i)).isEqualTo(DOUBLED);
      } finally {
        pool.close();
      }
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0).done()).isEqualTo(ITEMS.size());
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void aHugeCancellationGraceStillFailsFastOnceTheOthersEnded(PoolKind kind) {
    for (Duration forever : FOREVERS) {
      MapOptions options = MapOptions.builder().cancellationGrace(forever).build();
      CountDownLatch othersStarted = new CountDownLatch(2);
      AtomicInteger running = new AtomicInteger();
      try (Pool pool = kind.create(4).with(options)) {
        assertThatThrownBy(
                () ->
                    pool.map(
                        List.of(0, 1, 2),
                        i -> {
                          if (i == 0) {
                            assertThat(othersStarted.await(60, TimeUnit.SECONDS)).isTrue();
                            throw new IOException("item 0 fails");
                          }
                          running.incrementAndGet();
                          try {
                            othersStarted.countDown();
                            new CountDownLatch(1).await(); // until the stop interrupts it
                            return i;
                          } finally {
                            running.decrementAndGet();
                          }
                        }))
            .isInstanceOf(TaskFailedException.class)
            .hasCauseInstanceOf(IOException.class);
        assertThat(running).as("tasks still running when map threw").hasValue(0);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void aHugeRateLimitPeriodLetsTheFirstStartThrough(PoolKind kind) {
    for (Duration forever : FOREVERS) {
      RateLimit limit = RateLimit.of(1, forever);
      MapOptions options = MapOptions.builder().rateLimit(limit).build();
      try (Pool pool = kind.create(4).with(options)) {
        assertThat(pool.map(List.of(21), i -> 2 * i)).containsExactly(42);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void aDeadlineEndsAHugeRateLimitWaitOrBackoff(PoolKind kind) {
    for (Duration forever : FOREVERS) {
      List<MapOptions> options =
          List.of(
              MapOptions.builder()
                  .rateLimit(RateLimit.of(1, forever))
                  .deadline(Duration.ofMillis(200))
                  .build(),
              MapOptions.builder()
                  .retry(Retry.builder().maxAttempts(2).backoff(forever, forever).build())
                  .deadline(Duration.ofMillis(200))
                  .build());
      for (MapOptions option : options) {
        try (Pool pool = kind.create(4).with(option)) {
          // The first start goes through and fails; the second item (or the retry) waits "forever"
          // until the deadline stops the call.
          assertThatThrownBy(
                  () ->
                      pool.map(
                          List.of(1, 2),
                          i -> {
                            throw new IOException("fails");
                          }))
              .as("%s", option)
              .isInstanceOfAny(DeadlineExceededException.class, TaskFailedException.class);
        }
      }
    }
  }
}
