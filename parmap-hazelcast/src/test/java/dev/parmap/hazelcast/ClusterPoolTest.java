package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.CallInterruptedException;
import dev.parmap.InputFailedException;
import dev.parmap.MapOptions;
import dev.parmap.Outcome;
import dev.parmap.Outcomes;
import dev.parmap.ParmapException;
import dev.parmap.Pool;
import dev.parmap.TaskFailedException;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ProgressListener;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.example.outside.Payload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calls and their contract on a real cluster: three worker JVMs on 127.0.0.1, started once for
 * the class, and a client in the test JVM.
 */
class ClusterPoolTest {

  private static LocalMembers members;
  private static ClusterPool pool;

  @BeforeAll
  static void startCluster() throws Exception {
    members = LocalMembers.start("pool-test", 3, List.of());
    pool = ClusterPool.client(members.clientConfig());
    assertThat(pool.awaitMembers(3, Duration.ofSeconds(60))).as("3 members joined").isTrue();
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (pool != null) {
        pool.close();
      }
    } finally {
      if (members != null) {
        members.close();
      }
    }
  }

  private static List<Integer> numbers(int count) {
    return IntStream.range(0, count).boxed().toList();
  }

  @Test
  void mapReturnsTheSameResultsAsTheLocalPool() {
    List<String> items = numbers(2_000).stream().map(i -> "item-" + i).toList();
    SerializableTask<String, String> task = s -> s.toUpperCase(Locale.ROOT) + ":" + s.hashCode();

    List<String> remote = pool.map(items, task);

    List<String> local;
    try (Pool localPool = Pool.virtual()) {
      local = localPool.map(items, task);
    }
    assertThat(remote).isEqualTo(local);
  }

  @Test
  void mapSpreadsSlowItemsOverAllMembers() {
    List<Long> pids =
        pool.map(
            numbers(120),
            i -> {
              Thread.sleep(20);
              return ProcessHandle.current().pid();
            });

    assertThat(pids).hasSize(120);
    assertThat(pids.stream().distinct().count()).isEqualTo(3);
    assertThat(pids).doesNotContain(ProcessHandle.current().pid());
  }

  @Test
  void streamGivesResultsInInputOrder() {
    try (Stream<Integer> results = pool.stream(numbers(500), i -> i * 3)) {
      assertThat(results.toList()).isEqualTo(numbers(500).stream().map(i -> i * 3).toList());
    }
  }

  @Test
  void streamReadsNothingUntilConsumed() {
    AtomicInteger iterators = new AtomicInteger();
    Iterable<Integer> items =
        () -> {
          iterators.incrementAndGet();
          return numbers(10).iterator();
        };

    try (Stream<Integer> results = pool.stream(items, i -> i + 1)) {
      assertThat(iterators).hasValue(0);
      assertThat(results.limit(3).toList()).containsExactly(1, 2, 3);
    }
    assertThat(iterators).hasValue(1);
  }

  @Test
  void streamUnorderedGivesEveryResultOnce() {
    try (Stream<Integer> results = pool.streamUnordered(numbers(500), i -> -i)) {
      assertThat(results.toList())
          .containsExactlyInAnyOrderElementsOf(numbers(500).stream().map(i -> -i).toList());
    }
  }

  @Test
  void forEachRunsTheActionOnEveryItem(@TempDir Path dir) throws IOException {
    String directory = dir.toString(); // a String is captured, not the Path (not Serializable)

    pool.forEach(
        numbers(300), i -> Files.writeString(Path.of(directory, "done-" + i), Long.toString(i)));

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(
              numbers(300).stream().map(i -> "done-" + i).toList());
    }
  }

  @Test
  void nullItemsAndNullResultsPassThrough() {
    List<String> items = Arrays.asList("a", null, "c");

    List<String> results = pool.map(items, s -> s == null ? "was null" : null);

    assertThat(results).containsExactly(null, "was null", null);
  }

  @Test
  void emptyInputGivesNoResults() {
    assertThat(pool.map(List.<Integer>of(), i -> i)).isEmpty();
  }

  @Test
  void taskFailureThrowsTaskFailedExceptionWithTheItemsIndexAndCause() {
    TaskFailedException failure =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                pool.map(
                    numbers(1_000),
                    i -> {
                      if (i == 777) {
                        throw new TestItems.Boom("no " + i);
                      }
                      return i;
                    }));

    assertThat(failure.index()).isEqualTo(777);
    assertThat(failure.item()).isEqualTo(777);
    assertThat(failure.getCause()).isInstanceOf(TestItems.Boom.class).hasMessage("no 777");
    assertThat(failure.getCause().getStackTrace()).isNotEmpty();
  }

  @Test
  void inputFailureThrowsInputFailedException() {
    Iterable<Integer> items =
        () ->
            new Iterator<>() {
              int next;

              @Override
              public boolean hasNext() {
                return true;
              }

              @Override
              public Integer next() {
                if (next == 50) {
                  throw new IllegalStateException("input broke");
                }
                return next++;
              }
            };

    InputFailedException failure =
        catchThrowableOfType(InputFailedException.class, () -> pool.map(items, i -> i));

    assertThat(failure.index()).isEqualTo(50);
    assertThat(failure.getCause()).hasMessage("input broke");
  }

  @Test
  void nonSerializableTaskIsRefusedAtTheCall() {
    TestItems.Opaque captured = new TestItems.Opaque();
    AtomicInteger iterators = new AtomicInteger();
    Iterable<Integer> items =
        () -> {
          iterators.incrementAndGet();
          return numbers(3).iterator();
        };

    assertThatThrownBy(() -> pool.map(items, i -> captured.toString() + i))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the task given to ClusterPool.map cannot be sent")
        .hasMessageContaining(TestItems.Opaque.class.getName())
        .hasMessageContaining("SerializableTask")
        .hasCauseInstanceOf(NotSerializableException.class);
    assertThat(iterators).as("no item read").hasValue(0);
  }

  @Test
  void nonSerializableItemIsRefusedWithItsIndex() {
    List<Object> items = new ArrayList<>(List.of("a", "b", "c"));
    items.add(new TestItems.Opaque());

    ItemNotSerializableException failure =
        catchThrowableOfType(
            ItemNotSerializableException.class, () -> pool.map(items, Object::toString));

    assertThat(failure.index()).isEqualTo(3);
    assertThat(failure.item()).isInstanceOf(TestItems.Opaque.class);
    assertThat(failure).hasMessageContaining("item #3").hasMessageContaining("Opaque");
  }

  @Test
  void itemWithANonSerializableFieldIsRefusedWithItsIndex() {
    List<Object> items = new ArrayList<>(List.of("a", "b"));
    items.add(new TestItems.Holder());

    ItemNotSerializableException failure =
        catchThrowableOfType(
            ItemNotSerializableException.class, () -> pool.map(items, Object::toString));

    assertThat(failure.index()).isEqualTo(2);
    assertThat(failure.getCause())
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining(TestItems.Opaque.class.getName());
  }

  @Test
  void nonSerializableResultFailsItsItem() {
    TaskFailedException failure =
        catchThrowableOfType(
            TaskFailedException.class,
            () -> pool.map(numbers(20), i -> i == 12 ? new TestItems.Opaque() : "fine"));

    assertThat(failure.index()).isEqualTo(12);
    assertThat(failure.getCause())
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining(TestItems.Opaque.class.getName());
  }

  @Test
  void itemOfAClassOutsideTheAllowListIsRefusedByTheMembers() {
    List<Payload> items = List.of(new Payload(1), new Payload(2));

    assertThatThrownBy(() -> pool.map(items, Payload::value))
        .isInstanceOf(ParmapException.class)
        .hasMessageContaining("refused by the serialization allow-list")
        .hasMessageContaining(Payload.class.getName())
        .hasMessageContaining("ClusterConfig.Builder.allowedPackages")
        .hasMessageContaining("allow-list of member [127.0.0.1]:")
        .hasMessageContaining("the class that declares it");
  }

  @Test
  void resultOfAClassOutsideTheAllowListIsRefusedByTheCaller() {
    assertThatThrownBy(() -> pool.map(numbers(2), Payload::new))
        .isInstanceOf(ParmapException.class)
        .hasMessageContaining("refused by the serialization allow-list of this caller")
        .hasMessageContaining("refused here, not on the member")
        .hasMessageContaining(Payload.class.getName());
  }

  @Test
  void interruptedCallerGetsCallInterruptedExceptionAndKeepsItsInterruptFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(
              () ->
                  pool.map(
                      numbers(50),
                      i -> {
                        Thread.sleep(100);
                        return i;
                      }))
          .isInstanceOf(CallInterruptedException.class)
          .hasCauseInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void callsOnAClosedPoolThrowIllegalStateException() {
    ClusterPool other = ClusterPool.client(members.clientConfig());
    other.close();

    assertThatThrownBy(() -> other.map(numbers(3), i -> i))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aStreamPulledAfterItsPoolClosedThrowsIllegalStateException() {
    ClusterPool other = ClusterPool.client(members.clientConfig());
    Stream<Integer> results = other.stream(numbers(3), i -> i);
    other.close();

    assertThatThrownBy(results::toList)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aFailingConsumerCancelsTheStream() {
    try (Stream<Integer> results = pool.stream(numbers(100), i -> i)) {
      assertThatThrownBy(
              () ->
                  results.forEach(
                      i -> {
                        if (i == 5) {
                          throw new UncheckedIOException(new IOException("consumer broke"));
                        }
                      }))
          .isInstanceOf(UncheckedIOException.class);
    }
  }

  @Test
  void aStreamLimitedToTenEndsTheCallCancellingTheChunksStillRunning(@TempDir Path dir)
      throws IOException, InterruptedException {
    String root = dir.toString();
    SerializableTask<Integer, Integer> task =
        i -> {
          if (i < 10) {
            return i;
          }
          Files.createFile(Path.of(root, "started-" + i));
          try {
            Thread.sleep(Duration.ofMinutes(5)); // ends only when the call cancels it
          } catch (InterruptedException e) {
            Files.createFile(Path.of(root, "interrupted-" + i));
            throw e;
          }
          return i;
        };

    List<Integer> first;
    // One item per chunk: a member answers a chunk as a whole, so an adaptive chunk that held item
    // 9 with item 10 would hold back the tenth result for as long as item 10 sleeps.
    try (ClusterPool onePerChunk =
        ClusterPool.client(members.clientConfig().toBuilder().fixedChunkSize(1).build())) {
      assertThat(onePerChunk.awaitMembers(3, Duration.ofSeconds(60))).isTrue();
      try (Stream<Integer> results = onePerChunk.stream(numbers(1_000), task)) {
        first = results.limit(10).toList(); // the terminal operation ends the call
      }
    }

    assertThat(first).isEqualTo(numbers(10));
    // The call has ended: no chunk is sent any more (of 1,000 items, only those of the chunks in
    // flight at the end ever start), and every item that started on a member is interrupted
    // there (the members are told to cancel the call's chunks and drop those still queued).
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(markers(dir, "interrupted-"))
                    .containsExactlyInAnyOrderElementsOf(markers(dir, "started-")));
    assertThat(markers(dir, "started-").size()).isLessThan(100);
  }

  private static List<String> markers(Path dir, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith(prefix))
          .map(n -> n.substring(prefix.length()))
          .sorted()
          .toList();
    }
  }

  @Test
  void mapOutcomesGivesOneOutcomePerItemInOrderWithTheTasksFailures() {
    Outcomes<Integer, Integer> outcomes =
        pool.mapOutcomes(
            numbers(200),
            i -> {
              if (i % 7 == 0) {
                throw new TestItems.Boom("no " + i);
              }
              return i * 2;
            });

    assertThat(outcomes.isComplete()).isTrue();
    assertThat(outcomes.all()).hasSize(200);
    for (int i = 0; i < 200; i++) {
      Outcome<Integer, Integer> outcome = outcomes.all().get(i);
      assertThat(outcome.index()).isEqualTo(i);
      assertThat(outcome.item()).isEqualTo(i);
      if (i % 7 == 0) {
        assertThat(outcome)
            .isInstanceOfSatisfying(
                Outcome.Failure.class,
                f ->
                    assertThat(f.cause())
                        .isInstanceOf(TestItems.Boom.class)
                        .hasMessage("no " + f.index()));
      } else {
        int doubled = 2 * i;
        assertThat(outcome)
            .isInstanceOfSatisfying(
                Outcome.Success.class, s -> assertThat(s.result()).isEqualTo(doubled));
      }
    }
    assertThat(outcomes.failures()).hasSize(29);
  }

  @Test
  void streamOutcomesGivesEveryItemsOutcomeInInputOrder() {
    try (Stream<Outcome<Integer, Integer>> results =
        pool.streamOutcomes(
            numbers(50),
            i -> {
              if (i == 3) {
                throw new TestItems.Boom("three");
              }
              return i;
            })) {
      List<Outcome<Integer, Integer>> all = results.toList();
      assertThat(all)
          .extracting(Outcome::index)
          .isEqualTo(numbers(50).stream().map(Long::valueOf).toList());
      assertThat(all.get(3)).isInstanceOf(Outcome.Failure.class);
    }
  }

  @Test
  void theListenerOfWithSeesTheCallsStatistics() {
    java.util.concurrent.CompletableFuture<CallStats> finished =
        new java.util.concurrent.CompletableFuture<>();
    ClusterPool observed =
        pool.with(
            MapOptions.builder().listener(ProgressListener.onFinish(finished::complete)).build());

    List<Integer> results = observed.map(numbers(300), i -> i + 1);

    assertThat(results).hasSize(300);
    CallStats stats = finished.join(); // onFinish runs before the call returns
    assertThat(stats.ending()).isEqualTo(CallStats.Ending.COMPLETED);
    assertThat(stats.items()).isEqualTo(300);
    assertThat(stats.successes()).isEqualTo(300);
    assertThat(stats.chunks()).isPositive();
    assertThat(stats.call().what()).isEqualTo("ClusterPool.map");
    assertThat(stats.call().pool()).startsWith("ClusterPool.client(");
  }

  @Test
  void mapAsyncCompletesWithTheResultsInInputOrder() {
    assertThat(pool.mapAsync(numbers(100), i -> i * i).join())
        .isEqualTo(numbers(100).stream().map(i -> i * i).toList());
  }

  @Test
  void adaptiveConcurrencyAndPropagatorsAreRefusedAtTheCallNotIgnored() {
    assertThatThrownBy(
            () ->
                pool.with(
                    MapOptions.builder()
                        .adaptiveConcurrency(
                            dev.parmap.policy.AdaptiveConcurrency.builder().build())
                        .propagate(() -> () -> () -> {})
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not supported on a cluster: adaptive concurrency")
        .hasMessageContaining("context propagators (the context is the caller's thread's)");
  }

  @Test
  void aWorkerResourcesTaskOrActionIsRefusedForItsResourcesWouldStayInThisJvm() {
    dev.parmap.WorkerResource<StringBuilder> local =
        dev.parmap.WorkerResource.of(StringBuilder::new);
    assertThatThrownBy(() -> pool.map(numbers(3), local.<Integer, Integer>task((sb, i) -> i)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ClusterResource");
    assertThatThrownBy(() -> pool.forEach(numbers(3), local.<Integer>action((sb, i) -> {})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ClusterResource");
  }

  /** A plain factory and resource task, serializable as classes (not lambdas). */
  record Prefixes(String prefix)
      implements java.util.concurrent.Callable<StringBuilder>,
          dev.parmap.ResourceTask<StringBuilder, Integer, String>,
          java.io.Serializable {
    @Override
    public StringBuilder call() {
      return new StringBuilder();
    }

    @Override
    public String apply(StringBuilder builder, Integer item) {
      builder.setLength(0);
      return builder.append(prefix).append(item).toString();
    }
  }

  @Test
  void mapWithTakesAPlainFactoryAndTaskThatSerializeAndRefusesOnesThatDoNot() {
    dev.parmap.ParallelPool plain = pool;
    Prefixes both = new Prefixes("n");

    assertThat(plain.mapWith(numbers(50), both, both))
        .isEqualTo(numbers(50).stream().map(i -> "n" + i).toList());

    java.util.concurrent.Callable<StringBuilder> notSerializable = StringBuilder::new;
    assertThatThrownBy(() -> plain.mapWith(numbers(3), notSerializable, both))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("its factory");
  }

  @Test
  void aDeadlineOnTheCallersClockCancelsTheChunksOnTheMembers() {
    ClusterPool bounded = pool.with(MapOptions.builder().deadline(Duration.ofMillis(500)).build());
    assertThatThrownBy(
            () ->
                bounded.map(
                    numbers(20),
                    i -> {
                      Thread.sleep(Duration.ofMinutes(5));
                      return i;
                    }))
        .isInstanceOf(dev.parmap.DeadlineExceededException.class);
  }

  @Test
  void aPlainTaskThatDoesNotSerializeIsRefusedAtTheCall() {
    dev.parmap.Task<Integer, Integer> plain = i -> i; // a lambda of a non-serializable type
    assertThatThrownBy(() -> pool.map(numbers(3), plain))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the task given to ClusterPool.map cannot be sent");
  }
}
