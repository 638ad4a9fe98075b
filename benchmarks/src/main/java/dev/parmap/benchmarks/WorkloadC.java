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
 * Workload C: 10,000 items that each sleep 100 ms (blocking work, as an I/O call), results in
 * order. With every item running at once the call takes 100 ms; parmap's goal is 115 ms.
 *
 * <p>The contestants limited to a fixed number of threads (the loop, {@code parallelStream}, the
 * fixed pool, {@code supplyAsync} on the common pool) would need minutes per call: they run {@link
 * Workload#itemsFor fewer items} (about 1 s each) and RESULTS.md extrapolates their time, marked as
 * such. Iterations are time-boxed (average time per call), as in A and B: a call of about 100 ms
 * runs about ten times per iteration, so the measured calls run warm code, not the interpreter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(2)
public class WorkloadC {
  static final long SLEEP_MILLIS = 100;

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

  static Integer task(Integer item) {
    Contestants.sleep(SLEEP_MILLIS);
    return result(item);
  }

  /** The task's result without its sleep: how the loop's result is known without 1000 s. */
  static Integer result(Integer item) {
    return item * 2 + 1;
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    trial = new Trial(Workload.C, contestant);
    items = new ArrayList<>(trial.items());
    for (int i = 0; i < trial.items(); i++) {
      items.add(i);
    }
    contestants = new Contestants(contestant);
    List<Integer> expected = contestants.map(Contestant.loop, items, WorkloadC::result);
    trial.verify(this::run, expected, Duration.ofMinutes(2));
  }

  @Benchmark
  public List<Integer> run() throws Exception {
    return contestants.map(contestant, items, WorkloadC::task);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    contestants.close();
    trial.succeeded();
  }
}
