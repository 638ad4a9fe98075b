package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.Outcome;
import dev.parmap.TaskFailedException;
import dev.parmap.TestAccess;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A call whose chunks run elsewhere ({@link ChunkRunner#newCall}), with an in-process chunk runner
 * standing in for a remote launcher: the engine keeps order, failures, outcomes and streams.
 */
class RemoteChunkTest {
  static {
    try {
      // The options reading is registered by Pool's static initializer (see SharedSecrets).
      java.lang.invoke.MethodHandles.lookup().ensureInitialized(dev.parmap.Pool.class);
    } catch (IllegalAccessException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final PoolTimer timer = new PoolTimer("remote-test-");
  private final PoolContext pool =
      new PoolContext(
          "Remote.test",
          new Launcher.Virtual("remote-test-chunk-", 4, 8, null),
          "remote-test-",
          PoolContext.DEFAULT_WINDOW,
          timer,
          new PoolWork(),
          Ticker.SYSTEM,
          TestAccess.types());

  @AfterEach
  void endTimer() {
    timer.shutdown();
  }

  private static List<Integer> numbers(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  /** Runs each item as {@code x * 10}, failing the items divisible by {@code failEvery}. */
  private static ChunkRunner tenTimes(int failEvery) {
    return chunk -> {
      for (int i = 0; i < chunk.size(); i++) {
        int item = (Integer) chunk.item(i);
        if (failEvery > 0 && item % failEvery == 0) {
          chunk.failed(i, new IllegalStateException("no " + item), Duration.ZERO);
          if (!chunk.isStopped()) {
            continue;
          }
          return;
        }
        chunk.succeeded(item * 10, Duration.ZERO);
      }
    };
  }

  private static CallOptions options() {
    return SharedSecrets.callOptions(dev.parmap.MapOptions.defaults());
  }

  @Test
  void resultsReportedByTheChunkRunnerComeBackInInputOrder() {
    Run<Integer, Integer> run =
        ChunkRunner.newCall(
            pool,
            numbers(1_000),
            tenTimes(0),
            ChunkSizing.fixed(7),
            CallKind.MAP,
            "Remote.call",
            options());

    assertThat(run.toList()).isEqualTo(numbers(1_000).stream().map(i -> i * 10).toList());
  }

  @Test
  void anItemsReportedFailureFailsTheCallFastWithItsIndex() {
    Run<Integer, Integer> run =
        ChunkRunner.newCall(
            pool,
            numbers(100),
            tenTimes(37),
            ChunkSizing.fixed(5),
            CallKind.MAP,
            "Remote.call",
            options());

    assertThatThrownBy(run::toList)
        .isInstanceOfSatisfying(
            TaskFailedException.class, e -> assertThat(e.index()).isIn(0L, 37L, 74L))
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void withOutcomesEveryItemHasItsOutcomeInOrder() {
    Run<Integer, Outcome<Integer, Integer>> run =
        ChunkRunner.newCall(
            pool,
            numbers(100),
            tenTimes(10),
            ChunkSizing.fixed(8),
            CallKind.MAP_OUTCOMES,
            "Remote.call",
            options());

    List<Outcome<Integer, Integer>> all = run.toList();

    assertThat(all).hasSize(100);
    for (int i = 0; i < 100; i++) {
      assertThat(all.get(i).index()).isEqualTo(i);
      assertThat(all.get(i))
          .isInstanceOf(i % 10 == 0 ? Outcome.Failure.class : Outcome.Success.class);
    }
  }

  @Test
  void aRuntimeExceptionOfTheChunkRunnerIsTheCallsFailureAsItIs() {
    IllegalStateException noMemberLeft = new IllegalStateException("no member left");
    Run<Integer, Integer> run =
        ChunkRunner.newCall(
            pool,
            numbers(50),
            chunk -> {
              throw noMemberLeft;
            },
            ChunkSizing.LOCAL,
            CallKind.MAP,
            "Remote.call",
            options());

    assertThatThrownBy(run::toList).isSameAs(noMemberLeft);
  }

  @Test
  void aStreamLimitedEndsTheCallInterruptingTheBlockedChunks() {
    Set<Long> interrupted = ConcurrentHashMap.newKeySet();
    CountDownLatch blocked = new CountDownLatch(1);
    ChunkRunner waitsPastTen =
        chunk -> {
          for (int i = 0; i < chunk.size(); i++) {
            int item = (Integer) chunk.item(i);
            try {
              if (item == 9) {
                blocked.await(); // item 9 is handed over once a later chunk is running
              } else if (item >= 10) {
                blocked.countDown();
                new CountDownLatch(1).await(); // only the call's stop ends it
              }
            } catch (InterruptedException e) {
              interrupted.add(chunk.firstIndex() + i);
              throw e;
            }
            chunk.succeeded(item, Duration.ZERO);
          }
        };
    Run<Integer, Integer> run =
        ChunkRunner.newCall(
            pool,
            numbers(1_000),
            waitsPastTen,
            ChunkSizing.fixed(1),
            CallKind.STREAM,
            "Remote.call",
            options());

    List<Integer> first;
    try (Stream<Integer> results = ClosingStreams.over(run.spliterator(), run::close)) {
      first = results.limit(10).toList();
    }

    assertThat(first).isEqualTo(numbers(10));
    assertThat(run.hasTasksInFlight()).isFalse(); // every chunk's thread has ended
    assertThat(interrupted).isNotEmpty().allMatch(index -> index >= 10);
  }

  @Test
  void contextPropagatorsCannotRunOnRemoteChunks() {
    CallOptions propagating =
        SharedSecrets.callOptions(
            dev.parmap.MapOptions.builder().propagate(() -> () -> () -> {}).build());

    assertThatThrownBy(
            () ->
                ChunkRunner.newCall(
                    pool,
                    numbers(3),
                    tenTimes(0),
                    ChunkSizing.LOCAL,
                    CallKind.MAP,
                    "Remote.call",
                    propagating))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("context propagators");
  }

  @Test
  void itemPoliciesAreTheChunkRunnersToRunAndItsAttemptsCountAsLocalOnes() {
    List<dev.parmap.observe.CallStats> stats = new java.util.concurrent.CopyOnWriteArrayList<>();
    CallOptions retrying =
        SharedSecrets.callOptions(
            dev.parmap.MapOptions.builder()
                .timeout(Duration.ofSeconds(1))
                .retry(dev.parmap.policy.Retry.builder().maxAttempts(3).build())
                .deadline(Duration.ofMinutes(5))
                .listener(dev.parmap.observe.ProgressListener.onFinish(stats::add))
                .build());
    List<Long> deadlines = new java.util.concurrent.CopyOnWriteArrayList<>();
    Run<Integer, Outcome<Integer, Integer>> run =
        ChunkRunner.newCall(
            pool,
            numbers(4),
            chunk -> {
              deadlines.add(chunk.deadlineNanosLeft());
              for (int i = 0; i < chunk.size(); i++) {
                int item = (Integer) chunk.item(i);
                if (item == 2) {
                  chunk.failed(
                      i,
                      List.of(new IllegalStateException("first"), new IllegalStateException("2nd")),
                      Duration.ZERO);
                } else {
                  chunk.succeeded(item * 10, Duration.ZERO, item + 1);
                }
              }
              chunk.countPolicies(1, 2);
            },
            ChunkSizing.fixed(4),
            CallKind.MAP_OUTCOMES,
            "Remote.call",
            retrying);

    List<Outcome<Integer, Integer>> outcomes = run.toList();

    assertThat(outcomes).extracting(Outcome::attempts).containsExactly(1, 2, 2, 4);
    assertThat(outcomes.get(2)).isInstanceOf(Outcome.Failure.class);
    assertThat(((Outcome.Failure<Integer, Integer>) outcomes.get(2)).cause()).hasMessage("2nd");
    assertThat(stats)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.retries()).isEqualTo(0 + 1 + 1 + 3);
              assertThat(s.timeouts()).isEqualTo(1);
              assertThat(s.rateLimitWaits()).isEqualTo(2);
            });
    assertThat(deadlines).singleElement().satisfies(left -> assertThat(left).isPositive());
  }

  @Test
  void aRemoteItemThatFailedEveryAttemptFailsFastWithThemAll() {
    CallOptions retrying =
        SharedSecrets.callOptions(
            dev.parmap.MapOptions.builder()
                .retry(dev.parmap.policy.Retry.builder().maxAttempts(2).build())
                .build());
    Run<Integer, Integer> run =
        ChunkRunner.newCall(
            pool,
            numbers(3),
            chunk ->
                chunk.failed(
                    1,
                    List.of(new IllegalStateException("a"), new IllegalStateException("b")),
                    Duration.ZERO),
            ChunkSizing.fixed(3),
            CallKind.MAP,
            "Remote.call",
            retrying);

    assertThatThrownBy(run::toList)
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.index()).isEqualTo(1);
              assertThat(e.attempts()).isEqualTo(2);
              assertThat(e.attemptFailures())
                  .extracting(Throwable::getMessage)
                  .containsExactly("a", "b");
            });
  }

  @Test
  void aChunkRejectsAReportAfterItsEnd() {
    Run<Integer, Integer> run =
        ChunkRunner.newCall(
            pool,
            numbers(3),
            chunk -> {
              for (int i = 0; i < chunk.size(); i++) {
                chunk.succeeded(i, Duration.ZERO);
              }
              chunk.succeeded(99, Duration.ZERO); // one too many
            },
            ChunkSizing.fixed(3),
            CallKind.MAP,
            "Remote.call",
            options());

    assertThatThrownBy(run::toList).isInstanceOf(IllegalStateException.class);
  }
}
