package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.parmap.DeadlineExceededException;
import dev.parmap.MapOptions;
import dev.parmap.Outcome;
import dev.parmap.ParallelPool;
import dev.parmap.Pool;
import dev.parmap.TaskFailedException;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ProgressListener;
import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The item policies on a real cluster of two worker JVMs, and the parity promise: timeout,
 * retry, deadline and outcomes give the same results as the local {@link Pool} on the same scripted
 * failures ({@link Scripted}).
 */
class ClusterPoliciesTest {

  private static LocalMembers.WithClient cluster;
  private static ClusterPool pool;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = LocalMembers.WithClient.start("policies-test", 2);
    pool = cluster.pool();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<Integer> numbers(int count) {
    return IntStream.range(0, count).boxed().toList();
  }

  /**
   * Retry on I/O failures and on item #7's timeouts, by a predicate that captures an object that
   * does not serialize (it never leaves the caller); a short backoff; a 2 s timeout per attempt.
   */
  private static MapOptions.Builder scriptedOptions() {
    return scriptedOptions(Duration.ofSeconds(2), new ConcurrentLinkedQueue<>());
  }

  /**
   * @param seen where the retry predicate records the failures it judged: a collection that does
   *     not serialize, so the predicate does not either
   */
  private static MapOptions.Builder scriptedOptions(Duration timeout, Queue<Exception> seen) {
    return MapOptions.builder()
        .timeout(timeout)
        .retry(
            Retry.builder()
                .maxAttempts(3)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(20))
                .retryIf(
                    e ->
                        seen.add(e)
                            && (e instanceof IOException
                                || (e instanceof TimeoutException t
                                    && String.valueOf(t.getMessage()).startsWith("item #7 "))))
                .build());
  }

  /** One line per outcome: index, value or failure (class and message), attempts. */
  private static List<String> describe(List<Outcome<Integer, Integer>> outcomes) {
    return outcomes.stream()
        .map(
            o ->
                switch (o) {
                  case Outcome.Success<Integer, Integer> s ->
                      o.index() + " = " + s.result() + " after " + o.attempts();
                  case Outcome.Failure<Integer, Integer> f ->
                      o.index()
                          + " failed "
                          + f.cause().getClass().getSimpleName()
                          + ": "
                          + f.cause().getMessage()
                          + " after "
                          + o.attempts();
                })
        .toList();
  }

  private record Run(List<String> outcomes, CallStats stats) {}

  private static Run outcomesOn(ParallelPool on, Path scriptDir, Queue<Exception> seen)
      throws IOException {
    Files.createDirectories(scriptDir);
    CompletableFuture<CallStats> stats = new CompletableFuture<>();
    List<Outcome<Integer, Integer>> outcomes =
        on.with(
                scriptedOptions(Duration.ofSeconds(2), seen)
                    .listener(ProgressListener.onFinish(stats::complete))
                    .build())
            .mapOutcomes(numbers(20), new Scripted(scriptDir.toString(), true))
            .all();
    return new Run(describe(outcomes), stats.join());
  }

  @Test
  void timeoutRetryAndOutcomesGiveTheSameResultsAsTheLocalPool() throws IOException {
    Run local;
    try (Pool localPool = Pool.virtual()) {
      local = outcomesOn(localPool, dir.resolve("local"), new ConcurrentLinkedQueue<>());
    }
    Queue<Exception> judgedHere = new ConcurrentLinkedQueue<>();
    Run remote = outcomesOn(pool, dir.resolve("cluster"), judgedHere);

    assertThat(remote.outcomes()).isEqualTo(local.outcomes());
    // What the script makes of it, so that a change of both sides shows too.
    assertThat(remote.outcomes())
        .contains(
            "0 = 0 after 1",
            "1 = 10 after 3",
            "3 failed IOException: always 3 attempt 3 after 3",
            "7 = 70 after 2",
            "8 failed TimeoutException: item #8 took longer than PT2S and was interrupted after 1",
            "9 failed IllegalStateException: never 9 after 1",
            "11 = 110 after 3",
            "13 failed IOException: always 13 attempt 3 after 3");
    assertThat(remote.stats().retries())
        .isEqualTo(local.stats().retries())
        .isEqualTo(2 + 2 + 1 + 2 + 2);
    assertThat(remote.stats().timeouts()).isEqualTo(local.stats().timeouts()).isEqualTo(2);
    // The retry predicate, which does not serialize, judged in this JVM every failure that had an
    // attempt left: items 1, 11, 3 and 13 twice, items 7, 8 and 9 once.
    assertThat(judgedHere).hasSize(2 + 2 + 2 + 2 + 1 + 1 + 1);
    assertThat(remote.stats().failures()).isEqualTo(local.stats().failures()).isEqualTo(4);
  }

  @Test
  void anItemThatFailsEveryAttemptFailsTheCallAsOnTheLocalPool() throws IOException {
    Files.createDirectories(dir.resolve("local"));
    Files.createDirectories(dir.resolve("cluster"));
    MapOptions options = scriptedOptions().build();
    Throwable local;
    try (Pool localPool = Pool.virtual()) {
      local =
          catchThrowable(
              () ->
                  localPool
                      .with(options)
                      .map(numbers(10), new Scripted(dir.resolve("local").toString(), false)));
    }
    Throwable remote =
        catchThrowable(
            () ->
                pool.with(options)
                    .map(numbers(10), new Scripted(dir.resolve("cluster").toString(), false)));

    assertThat(remote).isInstanceOf(TaskFailedException.class).hasSameClassAs(local);
    TaskFailedException l = (TaskFailedException) local;
    TaskFailedException r = (TaskFailedException) remote;
    assertThat(r.index()).isEqualTo(l.index()).isEqualTo(3);
    assertThat(r.attempts()).isEqualTo(l.attempts()).isEqualTo(3);
    assertThat(r.attemptFailures())
        .extracting(Throwable::getMessage)
        .isEqualTo(l.attemptFailures().stream().map(Throwable::getMessage).toList())
        .containsExactly("always 3 attempt 1", "always 3 attempt 2", "always 3 attempt 3");
  }

  @Test
  void aDeadlineCutsTheSameItemsAsOnTheLocalPool() throws IOException {
    Files.createDirectories(dir.resolve("local"));
    Files.createDirectories(dir.resolve("cluster"));
    // Items 7 and 8 hang past the deadline (their timeout is longer); those before them end well
    // before it. Which items after them are cut depends on how each pool chunks the input.
    MapOptions options =
        scriptedOptions(Duration.ofMinutes(1), new ConcurrentLinkedQueue<>())
            .deadline(Duration.ofSeconds(3))
            .build();
    List<Outcome<Integer, Integer>> local;
    try (Pool localPool = Pool.virtual()) {
      local =
          localPool
              .with(options)
              .mapOutcomes(numbers(10), new Scripted(dir.resolve("local").toString(), true))
              .all();
    }
    List<Outcome<Integer, Integer>> remote =
        pool.with(options)
            .mapOutcomes(numbers(10), new Scripted(dir.resolve("cluster").toString(), true))
            .all();

    assertThat(describe(remote.subList(0, 7))).isEqualTo(describe(local.subList(0, 7)));
    for (List<Outcome<Integer, Integer>> outcomes : List.of(local, remote)) {
      assertThat(outcomes.subList(7, 9))
          .allSatisfy(
              o ->
                  assertThat(((Outcome.Failure<Integer, Integer>) o).cause())
                      .isInstanceOf(DeadlineExceededException.class));
    }
  }

  @Test
  void aRateLimitAtTheCallerSpacesTheStartsAcrossAllMembers() {
    ClusterPool limited =
        pool.with(MapOptions.builder().rateLimit(RateLimit.of(20, Duration.ofSeconds(1))).build());
    long start = System.nanoTime();

    List<Long> startedAt = limited.map(numbers(21), i -> System.currentTimeMillis());

    // 21 starts at 20 per second: the last at least a second after the first, wherever they ran.
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(startedAt).hasSize(21);
  }
}
