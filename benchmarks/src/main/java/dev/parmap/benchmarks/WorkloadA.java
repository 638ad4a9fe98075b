package dev.parmap.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Workload A: 1,000,000 tiny CPU items (a few arithmetic operations on a boxed {@code Integer},
 * returning a boxed value), results collected in a list in input order. Measures the per-item
 * overhead of each contestant; parmap's goal is to be no slower than the loop and within 10% of
 * {@code parallelStream}.
 *
 * <p>Every call allocates about 20 MB (a million boxed results and their list), so garbage
 * collection is a large part of every contestant's time. With the default heap (a quarter of the
 * machine's memory, grown on demand) JMH's GC profiler measured 4.7 s of GC in 5 s of loop
 * iterations on the shared 2-core reference machine (load about 7), and 3.5 s with this fixed,
 * pre-touched heap: it is the same for every contestant, so that growing the heap at least does not
 * land in the measurements.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class WorkloadA {
  @Param({
    "loop",
    "parmap",
    "parallelStream",
    "fixedPool",
    "virtualThreads",
    "supplyAsync",
    "parallelCollectors",
    "mapConcurrent"
  })
  public Contestant contestant = Contestant.parmap;

  private List<Integer> items;
  private Contestants contestants;
  private Trial trial;

  /** The task: a few arithmetic operations, boxed in and out. */
  static Integer task(Integer item) {
    int x = item;
    return (x * 31 + 7) ^ (x >>> 3);
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    trial = new Trial(Workload.A, contestant);
    items = new ArrayList<>(trial.items());
    for (int i = 0; i < trial.items(); i++) {
      items.add(i);
    }
    contestants = new Contestants(contestant);
    List<Integer> expected = contestants.map(Contestant.loop, items, WorkloadA::task);
    trial.verify(this::run, expected, Duration.ofMinutes(2));
  }

  @Benchmark
  public List<Integer> run() throws Exception {
    return contestants.map(contestant, items, WorkloadA::task);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    contestants.close();
    trial.succeeded();
  }
}
