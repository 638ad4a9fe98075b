package dev.parmap.benchmarks;

import com.pivovarit.collectors.ParallelCollectors;
import dev.parmap.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Gatherers;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload D: 20,000,000 {@code Long}s from a lazy iterator (never held in memory at once), mapped
 * by a cheap task and summed, in a JVM with a 256 MiB heap. parmap streams them with {@code
 * Pool.virtual()} and {@code stream} (ordered) or {@code streamUnordered}; its goal is to finish
 * (no {@code OutOfMemoryError}) at 0.2 µs per item or less.
 *
 * <p>The peers that need every item or every future at once ({@code invokeAll} takes a collection
 * of callables, {@code supplyAsync} and parallel-collectors hold a future per item) are expected to
 * run out of memory: they run at full size all the same, their check run fails (JMH reports the
 * benchmark as failed and goes on) and RESULTS.md says why. The JVM exits on the first {@code
 * OutOfMemoryError} ({@code -XX:+ExitOnOutOfMemoryError}): with a full heap the error can strike
 * any thread, JMH's own included, and a fork left without its worker thread waits forever (as
 * happened once). A check that neither finishes nor fails within {@link #CHECK_TIMEOUT} is
 * abandoned.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xmx256m", "-XX:+ExitOnOutOfMemoryError"})
public class WorkloadD {
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(90);

  @Param({
    "loop",
    "parmap",
    "parmapUnordered",
    "parallelStream",
    "fixedPool",
    "virtualThreads",
    "supplyAsync",
    "parallelCollectors",
    "mapConcurrent"
  })
  public Contestant contestant = Contestant.parmap;

  private LazyLongs items;
  private Contestants contestants;
  private Trial trial;

  /** The task: cheap, so that the per-item cost of the machinery shows. */
  static Long task(Long item) {
    long x = item;
    return x ^ (x >>> 7);
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    trial =
        new Trial(
            Workload.D,
            contestant,
            "OutOfMemoryError at -Xmx256m: the forked JVM exited during the check run"
                + " (-XX:+ExitOnOutOfMemoryError; JMH's log has the error)");
    if (Trial.maxHeapMiB() > 300) {
      throw new IllegalStateException(
          "workload D must run with -Xmx256m, but the heap may grow to "
              + Trial.maxHeapMiB()
              + " MiB: keep @Fork's jvmArgsAppend");
    }
    items = new LazyLongs(trial.items());
    contestants = new Contestants(contestant);
    long expected = sum(Contestant.loop);
    trial.verify(this::run, expected, CHECK_TIMEOUT);
  }

  @Benchmark
  public long run() throws Exception {
    return sum(contestant);
  }

  private long sum(Contestant who) throws Exception {
    return switch (who) {
      case loop -> {
        long sum = 0;
        for (Long item : items) {
          sum += task(item);
        }
        yield sum;
      }
      case parmap -> {
        try (Pool pool = Pool.virtual();
            Stream<Long> results = pool.stream(items, WorkloadD::task)) {
          yield results.mapToLong(Long::longValue).sum();
        }
      }
      case parmapUnordered -> {
        try (Pool pool = Pool.virtual();
            Stream<Long> results = pool.streamUnordered(items, WorkloadD::task)) {
          yield results.mapToLong(Long::longValue).sum();
        }
      }
      case parallelStream ->
          StreamSupport.stream(items.spliterator(), true)
              .map(WorkloadD::task)
              .mapToLong(Long::longValue)
              .sum();
      case fixedPool ->
          sumOf(
              Contestants.results(
                  contestants
                      .fixedPool()
                      .invokeAll(Contestants.callables(items, WorkloadD::task))));
      case virtualThreads -> {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
          yield sumOf(
              Contestants.results(
                  executor.invokeAll(Contestants.callables(items, WorkloadD::task))));
        }
      }
      case supplyAsync -> {
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (Long item : items) {
          futures.add(CompletableFuture.supplyAsync(() -> task(item)));
        }
        long sum = 0;
        for (CompletableFuture<Long> future : futures) {
          sum += future.join();
        }
        yield sum;
      }
      case parallelCollectors ->
          StreamSupport.stream(items.spliterator(), false)
              .collect(
                  ParallelCollectors.parallel(
                      WorkloadD::task, Collectors.summingLong(Long::longValue)))
              .join();
      case mapConcurrent ->
          StreamSupport.stream(items.spliterator(), false)
              .gather(Gatherers.mapConcurrent(Workload.MAP_CONCURRENT_LIMIT, WorkloadD::task))
              .mapToLong(Long::longValue)
              .sum();
      case parallelCollectorsBatching ->
          throw new IllegalArgumentException("parallelCollectorsBatching runs in workload F only");
    };
  }

  private static long sumOf(List<Long> values) {
    long sum = 0;
    for (Long value : values) {
      sum += value;
    }
    return sum;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    contestants.close();
    trial.succeeded();
  }

  /** 0, 1, ..., size - 1 as new {@code Long}s, made one at a time as they are read. */
  static final class LazyLongs implements Iterable<Long> {
    private final long size;

    LazyLongs(long size) {
      this.size = size;
    }

    @Override
    public Iterator<Long> iterator() {
      return new Iterator<>() {
        private long next;

        @Override
        public boolean hasNext() {
          return next < size;
        }

        @Override
        public Long next() {
          if (next >= size) {
            throw new NoSuchElementException();
          }
          return next++;
        }
      };
    }
  }
}
