package dev.parmap.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * Workload F, skewed costs: 10,000 CPU-bound items whose costs are heavy-tailed, results in order.
 * Most items (99.7%) take 2 to 8 µs of CPU; {@value #SLOW_PER_MILLE}‰ of them, at places drawn with
 * a fixed seed, take 1 to 10 ms. The slow items are about three quarters of the work.
 *
 * <p>The reference is the <em>physical limit</em>: the loop's time (the total work) divided by the
 * number of cores. parmap's goal is 1.05× the limit or less, and no slower than {@code
 * parallelStream}, whose fork/join work stealing keeps it near the limit. A chunk of cheap items
 * that holds a slow one must not keep its cheap items from the other cores.
 *
 * <p>The work is a fixed number of xorshift rounds per item ({@link WorkloadB#spin}; 670 rounds
 * took about 1 µs on the reference machine), the same in every JVM: the costs are drawn from {@link
 * SplittableRandom} with seed {@value #SEED}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(2)
public class WorkloadF {
  /** The seed of the items' costs and of the slow items' places. */
  static final long SEED = 17;

  /** Slow items per thousand. */
  static final int SLOW_PER_MILLE = 3;

  /** Xorshift rounds per microsecond of CPU on the reference machine. */
  static final int ROUNDS_PER_MICRO = 670;

  @Param({"loop", "parmap", "parallelStream", "virtualThreads", "parallelCollectorsBatching"})
  public Contestant contestant = Contestant.parmap;

  private List<Integer> items;
  private int[] rounds;
  private Contestants contestants;
  private Trial trial;

  /**
   * The rounds of each of {@code n} items: 2 to 8 µs, or 1 to 10 ms for {@value #SLOW_PER_MILLE}
   * per thousand of them.
   */
  static int[] costs(int n) {
    SplittableRandom random = new SplittableRandom(SEED);
    int[] rounds = new int[n];
    for (int i = 0; i < n; i++) {
      boolean slow = random.nextInt(1000) < SLOW_PER_MILLE;
      int micros = slow ? random.nextInt(1_000, 10_001) : random.nextInt(2, 9);
      rounds[i] = micros * ROUNDS_PER_MICRO;
    }
    return rounds;
  }

  /** The total cost of the items, in microseconds of the reference machine. */
  static long totalMicros(int[] rounds) {
    long total = 0;
    for (int r : rounds) {
      total += r / ROUNDS_PER_MICRO;
    }
    return total;
  }

  private Long task(Integer item) {
    return WorkloadB.spin(item, rounds[item]);
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    trial = new Trial(Workload.F, contestant);
    rounds = costs(trial.items());
    items = new ArrayList<>(trial.items());
    for (int i = 0; i < trial.items(); i++) {
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
