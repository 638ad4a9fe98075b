package dev.parmap.benchmarks;

import dev.parmap.MapOptions;
import dev.parmap.Pool;
import dev.parmap.micrometer.ParmapMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.jspecify.annotations.Nullable;
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
 * The cost of parmap's JFR events on workload A (1,000,000 tiny CPU items, {@code Pool.threads()}
 * and {@code map}): {@code off}, no recording (the events are disabled, as by default); {@code
 * recording}, a JFR recording runs with parmap's events left disabled (the JVM's own events only);
 * {@code on}, a recording with {@code dev.parmap.Call} and {@code dev.parmap.Chunk} enabled; {@code
 * metrics}, no recording but {@code ParmapMetrics} (parmap-micrometer) on a {@code
 * SimpleMeterRegistry}. The claim: {@code off} is parmap's plain workload A time, and {@code on}
 * and {@code metrics} add at most the cost of one event or one timer sample per chunk. It is not
 * part of {@code benchmarks/RESULTS.md} (which {@code ./build bench} rewrites): build the jar and
 * run {@code java -jar benchmarks/target/parmap-benchmarks.jar FlightRecorderBenchmark -f 1 -wi 3
 * -i 5} on a JDK 25 (docs/seeing-the-run.md, "JFR events").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class FlightRecorderBenchmark {
  @Param({"off", "recording", "on", "metrics"})
  public String events = "off";

  private List<Integer> items;
  private Pool pool;
  private @Nullable Recording recording;

  @Setup(Level.Trial)
  public void setUp() {
    items = new ArrayList<>(1_000_000);
    for (int i = 0; i < 1_000_000; i++) {
      items.add(i);
    }
    pool = Pool.threads();
    if (events.equals("metrics")) {
      pool =
          pool.with(
              ParmapMetrics.on(new SimpleMeterRegistry(), "workloadA")
                  .addTo(MapOptions.builder())
                  .build());
    } else if (!events.equals("off")) {
      Recording started = new Recording();
      started.setToDisk(false);
      if (events.equals("on")) {
        started.enable("dev.parmap.Call");
        started.enable("dev.parmap.Chunk");
      }
      started.start();
      recording = started;
    }
  }

  @Benchmark
  public List<Integer> run() {
    return pool.map(items, WorkloadA::task);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    Recording started = recording;
    if (started != null) {
      started.close();
    }
    pool.close();
  }
}
