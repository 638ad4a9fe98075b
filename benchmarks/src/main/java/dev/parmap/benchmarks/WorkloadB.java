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
 * Workload B: 2,000 items of about 1 ms of CPU each (a busy loop, not a sleep), results in order.
 * On 2 cores the ideal speed-up over the loop is 2; parmap's goal is 1.9.
 *
 * <p>The work per item is a fixed number of xorshift rounds ({@link #spinRounds}) rather than a
 * time measured at start-up, so that every contestant's JVM does exactly the same work and the
 * ratios compare like with like. 670,000 rounds took 1.0 ms on the reference machine (2-core
 * x86-64, JDK 25); RESULTS.md shows the loop's measured time per item.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(2)
public class WorkloadB {
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

  /** Xorshift rounds per item: about 1 ms of one core on the reference machine. */
  @Param("670000")
  public int spinRounds = 670_000;

  private List<Long> items;
  private Contestants contestants;
  private Trial trial;

  /**
   * About 1 ms of CPU: a chain of xorshift steps that the JIT cannot shorten, whose result is the
   * task's result (so it cannot be dropped either).
   */
  static Long spin(long seed, int rounds) {
    long x = seed * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < rounds; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
    }
    return x;
  }

  private Long task(Long item) {
    return spin(item, spinRounds);
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    trial = new Trial(Workload.B, contestant);
    items = new ArrayList<>(trial.items());
    for (long i = 0; i < trial.items(); i++) {
      items.add(i);
    }
    contestants = new Contestants(contestant);
    List<Long> expected = contestants.map(Contestant.loop, items, this::task);
    trial.verify(this::run, expected, Duration.ofMinutes(2));
  }

  @Benchmark
  public List<Long> run() throws Exception {
    return contestants.map(contestant, items, this::task);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    contestants.close();
    trial.succeeded();
  }
}
