package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.engine.FakeTicker;
import dev.parmap.observe.ProgressListener;
import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Policies inside the map: retry, timeout, deadline, rate limit, concurrency, outcomes. */
class ResilienceTest {

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  /** Blocks until interrupted; the interruption propagates. */
  private static void blockUntilInterrupted() throws InterruptedException {
    new CountDownLatch(1).await();
  }

  @Test
  void anItemThatSucceedsOnALaterAttemptIsASuccessAfterTheBackoff() {
    FakeTicker ticker = new FakeTicker(true);
    ConcurrentHashMap<Integer, AtomicInteger> tries = new ConcurrentHashMap<>();
    MapOptions options =
        MapOptions.builder()
            .retry(
                Retry.builder()
                    .maxAttempts(3)
                    .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                    .build())
            .build();
    try (Pool pool = Pool.virtual().clockedBy(ticker).with(options)) {
      List<String> results =
          pool.map(
              List.of("flaky"),
              item -> {
                if (tries.computeIfAbsent(0, k -> new AtomicInteger()).incrementAndGet() < 3) {
                  throw new IOException("not yet");
                }
                return item + " ok";
              });
      assertThat(results).containsExactly("flaky ok");
    }
    // Waits before attempts 2 and 3: 100 ms and 200 ms, each less a quarter (jitter 0.5 x 0.5).
    assertThat(ticker.sleeps())
        .containsExactly(Duration.ofMillis(75).toNanos(), Duration.ofMillis(150).toNanos());
  }

  @Test
  void whenEveryAttemptFailsTheFailureListsEachAttempt() {
    AtomicInteger attempt = new AtomicInteger();
    MapOptions options = MapOptions.builder().retry(Retry.builder().maxAttempts(3).build()).build();
    try (Pool pool = Pool.threads(1).clockedBy(new FakeTicker(true)).with(options)) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.map(
                      List.of("x"),
                      item -> {
                        throw new IOException("attempt " + attempt.incrementAndGet());
                      }));
      assertThat(failure.attempts()).isEqualTo(3);
      assertThat(failure.attemptFailures())
          .extracting(Throwable::getMessage)
          .containsExactly("attempt 1", "attempt 2", "attempt 3");
      assertThat(failure.getCause()).hasMessage("attempt 3");
      assertThat(failure).hasMessageContaining("after 3 attempts");
    }
  }

  @Test
  void failuresTheRetryPolicyRejectsAreNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    MapOptions options =
        MapOptions.builder()
            .retry(Retry.builder().maxAttempts(5).retryOn(IOException.class).build())
            .build();
    try (Pool pool = Pool.virtual().clockedBy(new FakeTicker(true)).with(options)) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.map(
                      List.of(1),
                      item -> {
                        attempts.incrementAndGet();
                        throw new IllegalArgumentException("bad input, retrying won't help");
                      }));
      assertThat(failure.attempts()).isEqualTo(1);
      assertThat(attempts).hasValue(1);
    }
  }

  @Test
  void aSlowAttemptIsInterruptedAndFailsWithATimeout() {
    AtomicInteger interrupted = new AtomicInteger();
    MapOptions options = MapOptions.builder().timeout(Duration.ofMillis(50)).build();
    try (Pool pool = Pool.virtual().with(options)) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.map(
                      List.of("slow"),
                      item -> {
                        try {
                          blockUntilInterrupted();
                        } catch (InterruptedException e) {
                          interrupted.incrementAndGet();
                          throw e;
                        }
                        return item;
                      }));
      assertThat(failure.getCause())
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("item #0 took longer than PT0.05S");
      assertThat(failure.getCause().getCause()).isInstanceOf(InterruptedException.class);
      assertThat(interrupted).hasValue(1);
    }
  }

  @Test
  void aTimedOutAttemptIsRetriedWhenTheRetryPolicySaysSo() {
    AtomicInteger attempt = new AtomicInteger();
    List<Boolean> interruptedAtStart = Collections.synchronizedList(new ArrayList<>());
    // Long enough that the second attempt cannot time out even on a stalled, loaded machine.
    MapOptions options =
        MapOptions.builder()
            .timeout(Duration.ofSeconds(1))
            .retry(Retry.builder().maxAttempts(2).backoff(Duration.ZERO, Duration.ZERO).build())
            .build();
    try (Pool pool = Pool.threads(2).with(options)) {
      Outcomes<String, String> outcomes =
          pool.mapOutcomes(
              List.of("x"),
              item -> {
                interruptedAtStart.add(Thread.currentThread().isInterrupted());
                if (attempt.incrementAndGet() == 1) {
                  blockUntilInterrupted();
                }
                return "second attempt";
              });
      assertThat(outcomes.allSucceeded()).isTrue();
      Outcome.Success<String, String> success = outcomes.successes().get(0);
      assertThat(success.result()).isEqualTo("second attempt");
      assertThat(success.attempts()).isEqualTo(2);
      // The alarm's interrupt does not leak into the next attempt on the same thread.
      assertThat(interruptedAtStart).containsExactly(false, false);
    }
  }

  @Test
  void theDeadlineCancelsWhatIsUnfinishedAndReportsIt() {
    AtomicReference<dev.parmap.observe.CallStats> finished = new AtomicReference<>();
    MapOptions options =
        MapOptions.builder()
            .deadline(Duration.ofSeconds(1))
            .listener(ProgressListener.onFinish(finished::set))
            .build();
    CountDownLatch fastDone = new CountDownLatch(5);
    AtomicInteger interrupted = new AtomicInteger();
    try (Pool pool = Pool.virtual().with(options)) {
      DeadlineExceededException failure =
          catchThrowableOfType(
              DeadlineExceededException.class,
              () ->
                  pool.map(
                      range(10),
                      i -> {
                        if (i < 5) {
                          fastDone.countDown();
                          return i;
                        }
                        try {
                          blockUntilInterrupted();
                        } catch (InterruptedException e) {
                          interrupted.incrementAndGet();
                          throw e;
                        }
                        return i;
                      }));
      assertThat(fastDone.getCount()).isZero();
      assertThat(failure.finished()).isEqualTo(5);
      assertThat(failure.unfinished()).containsExactlyInAnyOrder(5L, 6L, 7L, 8L, 9L);
      assertThat(failure.deadline()).isEqualTo(Duration.ofSeconds(1));
      assertThat(failure).hasMessageContaining("Pool.map did not finish within");
      assertThat(interrupted).hasValue(5);
      assertThat(finished.get().ending())
          .isEqualTo(dev.parmap.observe.CallStats.Ending.DEADLINE_EXCEEDED);
    }
  }

  @Test
  void withOutcomesTheDeadlineMakesUnfinishedItemsFailures() {
    MapOptions options = MapOptions.builder().deadline(Duration.ofSeconds(1)).build();
    try (Pool pool = Pool.virtual().with(options)) {
      Outcomes<Integer, Integer> outcomes =
          pool.mapOutcomes(
              range(6),
              i -> {
                if (i % 2 == 1) {
                  blockUntilInterrupted();
                }
                return i;
              });
      assertThat(outcomes.all()).extracting(Outcome::index).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
      assertThat(outcomes.successes()).extracting(Outcome.Success::result).containsExactly(0, 2, 4);
      assertThat(outcomes.failures())
          .extracting(Outcome.Failure::cause)
          .allSatisfy(cause -> assertThat(cause).isInstanceOf(DeadlineExceededException.class));
      assertThat(outcomes.failures()).extracting(Outcome::index).containsExactly(1L, 3L, 5L);
    }
  }

  @Test
  void outcomesCollectEveryItemWithoutFailingFast() {
    try (Pool pool = Pool.threads(2)) {
      Outcomes<Integer, Integer> outcomes =
          pool.mapOutcomes(
              range(1000),
              i -> {
                if (i % 2 == 1) {
                  throw new IOException("odd " + i);
                }
                return i * 10;
              });
      assertThat(outcomes.all()).hasSize(1000);
      assertThat(outcomes.successes()).hasSize(500).allMatch(s -> s.result() == s.index() * 10);
      assertThat(outcomes.failures())
          .hasSize(500)
          .allSatisfy(f -> assertThat(f.cause()).hasMessage("odd " + f.index()));
      assertThat(outcomes.allSucceeded()).isFalse();
      assertThat(outcomes).hasToString("Outcomes[1000 items, 500 succeeded, 500 failed]");
      TaskFailedException first =
          catchThrowableOfType(TaskFailedException.class, outcomes::resultsOrThrow);
      assertThat(first.index()).isEqualTo(1);
      assertThat(first.getSuppressed()).hasSize(16);
    }
  }

  @Test
  void outcomesWithoutFailuresGiveTheResults() {
    try (Pool pool = Pool.virtual()) {
      Outcomes<Integer, String> outcomes = pool.mapOutcomes(range(3), i -> "r" + i);
      assertThat(outcomes.resultsOrThrow()).containsExactly("r0", "r1", "r2");
      assertThat(outcomes.all())
          .allSatisfy(
              o -> {
                assertThat(o.isSuccess()).isTrue();
                assertThat(o.attempts()).isEqualTo(1);
                assertThat(o.duration().isNegative()).isFalse();
              });
    }
  }

  @Test
  void streamOutcomesAreLazyAndInInputOrder() {
    AtomicInteger started = new AtomicInteger();
    try (Pool pool = Pool.virtual();
        Stream<Outcome<Integer, Integer>> outcomes =
            pool.streamOutcomes(
                range(100),
                i -> {
                  started.incrementAndGet();
                  if (i == 3) {
                    throw new IllegalStateException("three");
                  }
                  return -i;
                })) {
      assertThat(started).hasValue(0);
      List<Outcome<Integer, Integer>> all = outcomes.toList();
      assertThat(all).extracting(Outcome::index).isEqualTo(LongStreamRange.of(100));
      assertThat(all.get(3)).isInstanceOf(Outcome.Failure.class);
      assertThat(all.get(4)).isEqualTo(all.get(4)).isInstanceOf(Outcome.Success.class);
    }
  }

  @Test
  void theRateLimitSpacesEveryStartOnTheCallsClock() {
    FakeTicker ticker = new FakeTicker(true);
    List<Long> starts = Collections.synchronizedList(new ArrayList<>());
    MapOptions options =
        MapOptions.builder()
            .rateLimit(RateLimit.of(10, Duration.ofSeconds(1)))
            .maxConcurrency(1)
            .build();
    try (Pool pool = Pool.virtual().clockedBy(ticker).with(options)) {
      pool.forEach(range(20), i -> starts.add(ticker.nanoTime()));
    }
    assertThat(starts).hasSize(20);
    for (int i = 0; i < starts.size(); i++) {
      assertThat(starts.get(i) - ticker.start()).isEqualTo(Duration.ofMillis(100).toNanos() * i);
    }
  }

  @Test
  void maxConcurrencyBoundsTheItemsOfACallRunningAtOnce() {
    ConcurrencyTest.Gauge gauge = new ConcurrencyTest.Gauge();
    CountDownLatch threeRunning = new CountDownLatch(3);
    MapOptions options = MapOptions.builder().maxConcurrency(3).build();
    try (Pool pool = Pool.virtual().with(options)) {
      pool.forEach(
          range(300),
          i -> {
            gauge.enter();
            try {
              threeRunning.countDown();
              assertThat(threeRunning.await(30, TimeUnit.SECONDS)).isTrue();
              Thread.sleep(0, 100_000);
            } finally {
              gauge.exit();
            }
          });
    }
    assertThat(gauge.max).hasValue(3);
  }

  @Test
  void aViewSharesItsPoolsLifecycle() {
    Pool pool = Pool.threads(1);
    Pool view = pool.with(MapOptions.builder().maxConcurrency(1).build());
    assertThat(view.options().maxConcurrency()).hasValue(1);
    assertThat(pool.options()).isSameAs(MapOptions.defaults());
    assertThat(view.toString()).startsWith("Pool.threads(1).with(MapOptions[");
    view.close();
    assertThat(pool.isClosed()).isTrue();
    assertThatThrownBy(() -> pool.map(List.of(1), i -> i))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aTaskThatIgnoresInterruptionIsReportedAfterTheGracePeriod() {
    CountDownLatch stuckRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MapOptions options = MapOptions.builder().cancellationGrace(Duration.ofMillis(200)).build();
    try (Pool pool = Pool.virtual().with(options)) {
      ParmapException failure =
          catchThrowableOfType(
              ParmapException.class,
              () ->
                  pool.map(
                      List.of("stubborn", "failing"),
                      item -> {
                        if (item.equals("stubborn")) {
                          stuckRunning.countDown();
                          while (true) {
                            try {
                              if (release.await(60, TimeUnit.SECONDS)) {
                                return item;
                              }
                            } catch (InterruptedException e) {
                              // ignores interruption: the kind of task Java cannot stop
                            }
                          }
                        }
                        assertThat(stuckRunning.await(30, TimeUnit.SECONDS)).isTrue();
                        throw new IOException("fails while the other is stuck");
                      }));
      assertThat(failure)
          .hasMessageContaining("gave up waiting for tasks that ignore interruption");
      assertThat(failure.getSuppressed())
          .anySatisfy(
              where -> {
                assertThat(where).hasMessageContaining("item #0 is still running on thread");
                assertThat(where.getStackTrace()).isNotEmpty();
              })
          .anySatisfy(primary -> assertThat(primary).isInstanceOf(TaskFailedException.class));
      release.countDown(); // close() waits for the stuck task: let it end
    } finally {
      release.countDown();
    }
  }

  @Test
  void aDeadlineThatCutsABackoffShortCountsOnlyTheAttemptsThatRan() {
    // The backoff uses the real clock: 60 s, far beyond the 1 s deadline, so the deadline always
    // interrupts the wait before the second attempt.
    MapOptions options =
        MapOptions.builder()
            .deadline(Duration.ofSeconds(1))
            .retry(
                Retry.builder()
                    .maxAttempts(5)
                    .backoff(Duration.ofSeconds(60), Duration.ofSeconds(60))
                    .build())
            .build();
    AtomicInteger ran = new AtomicInteger();
    try (Pool pool = Pool.virtual().with(options)) {
      Outcomes<Integer, Integer> outcomes =
          pool.mapOutcomes(
              List.of(1),
              i -> {
                ran.incrementAndGet();
                throw new IOException("first attempt fails");
              });
      Outcome.Failure<Integer, Integer> failure = outcomes.failures().get(0);
      assertThat(ran).hasValue(1);
      assertThat(failure.attempts()).isEqualTo(1);
      assertThat(failure.cause()).isInstanceOf(DeadlineExceededException.class);
    }
  }

  @Test
  void withOutcomesTheDeadlineReportsTheUnreadItemsOfAnyCollection() {
    MapOptions options =
        MapOptions.builder().deadline(Duration.ofSeconds(1)).maxConcurrency(1).build();
    java.util.LinkedList<Integer> items = new java.util.LinkedList<>(range(10));
    try (Pool pool = Pool.virtual().with(options)) {
      Outcomes<Integer, Integer> outcomes =
          pool.mapOutcomes(
              items,
              i -> {
                if (i == 2) {
                  blockUntilInterrupted();
                }
                return i;
              });
      assertThat(outcomes.isComplete()).isTrue();
      assertThat(outcomes.all()).extracting(Outcome::index).isEqualTo(LongStreamRange.of(10));
      assertThat(outcomes.successes()).extracting(Outcome.Success::result).containsExactly(0, 1);
      assertThat(outcomes.failures())
          .allSatisfy(f -> assertThat(f.cause()).isInstanceOf(DeadlineExceededException.class));
      assertThat(outcomes.failures().get(outcomes.failures().size() - 1).attempts()).isZero();
      assertThat(outcomes.allSucceeded()).isFalse();
    }
  }

  @Test
  void withOutcomesALazyInputCutByTheDeadlineIsReportedIncomplete() {
    MapOptions options =
        MapOptions.builder().deadline(Duration.ofSeconds(1)).maxConcurrency(1).build();
    Iterable<Integer> lazy = () -> IntStream.range(0, 10).iterator();
    try (Pool pool = Pool.virtual().with(options)) {
      Outcomes<Integer, Integer> outcomes =
          pool.mapOutcomes(
              lazy,
              i -> {
                if (i == 2) {
                  blockUntilInterrupted();
                }
                return i;
              });
      assertThat(outcomes.isComplete()).isFalse();
      assertThat(outcomes.allSucceeded()).isFalse();
      assertThat(outcomes.toString()).contains("incomplete");
      assertThat(outcomes.all().size()).isLessThan(10);
      assertThatThrownBy(outcomes::resultsOrThrow).isInstanceOf(TaskFailedException.class);
    }
  }

  /** Small helper: 0..n-1 as longs. */
  private static final class LongStreamRange {
    static List<Long> of(int n) {
      return java.util.stream.LongStream.range(0, n).boxed().toList();
    }
  }
}
