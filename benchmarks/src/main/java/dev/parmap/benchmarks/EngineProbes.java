package dev.parmap.benchmarks;

import dev.parmap.Parmap;
import dev.parmap.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Gatherers;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Where the time of a parmap call goes, for the goals it misses or barely meets (see {@code
 * benchmarks/NOTES.md}): timestamps taken by the tasks themselves, medians over many warm calls in
 * one JVM. Not a JMH benchmark: it explains JMH's numbers, it does not replace them.
 *
 * <pre>
 * java -cp benchmarks/target/parmap-benchmarks.jar dev.parmap.benchmarks.EngineProbes first-result [CALLS]
 * java -cp benchmarks/target/parmap-benchmarks.jar dev.parmap.benchmarks.EngineProbes dispatch [CALLS]
 * </pre>
 *
 * <ul>
 *   <li>{@code first-result} (workload E): how long after the call item 0 starts, how long its 10
 *       ms sleep lasts, how long until its result is in hand, how long closing the stream takes;
 *       and the same contract written by hand with virtual threads, and {@code mapConcurrent}.
 *   <li>{@code dispatch} (workload C): when the last of 10,000 sleeping items starts and how long
 *       after the last one ends the call returns, for {@code Parmap.map} and a virtual-thread
 *       {@code invokeAll}-like loop.
 * </ul>
 */
public final class EngineProbes {
  private static volatile long itemZeroStart;
  private static volatile long itemZeroEnd;

  private EngineProbes() {}

  /**
   * Runs one probe.
   *
   * @param args {@code first-result} or {@code dispatch}, then optionally the number of calls
   * @throws InterruptedException if interrupted while joining threads
   */
  public static void main(String[] args) throws InterruptedException {
    String probe = args.length > 0 ? args[0] : "";
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    switch (probe) {
      case "first-result" -> firstResult(calls > 0 ? calls : 200);
      case "dispatch" -> dispatch(calls > 0 ? calls : 8);
      default -> {
        System.err.println("usage: EngineProbes first-result|dispatch [CALLS]");
        System.exit(2);
      }
    }
  }

  private static Integer sleepingTask(Integer item) {
    if (item == 0) {
      itemZeroStart = System.nanoTime();
    }
    Contestants.sleep(item == 0 ? WorkloadE.FIRST_MILLIS : WorkloadE.OTHERS_MILLIS);
    if (item == 0) {
      itemZeroEnd = System.nanoTime();
    }
    return item;
  }

  private static void firstResult(int calls) throws InterruptedException {
    List<Integer> items = IntStream.range(0, 16).boxed().toList();
    double[] started = new double[calls];
    double[] slept = new double[calls];
    double[] inHand = new double[calls];
    double[] closing = new double[calls];
    double[] total = new double[calls];
    double[] byHand = new double[calls];
    double[] gatherer = new double[calls];
    for (int call = 0; call < calls; call++) {
      long begin = System.nanoTime();
      long first;
      try (Pool pool = Pool.virtual();
          Stream<Integer> results = pool.stream(items, EngineProbes::sleepingTask)) {
        results.iterator().next();
        first = System.nanoTime();
      }
      long end = System.nanoTime();
      started[call] = millis(itemZeroStart - begin);
      slept[call] = millis(itemZeroEnd - itemZeroStart);
      inHand[call] = millis(first - itemZeroEnd);
      closing[call] = millis(end - first);
      total[call] = millis(end - begin);

      begin = System.nanoTime();
      CompletableFuture<Integer> head = new CompletableFuture<>();
      List<Thread> threads = new ArrayList<>();
      for (Integer item : items) {
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        Integer result = sleepingTask(item);
                        if (item == 0) {
                          head.complete(result);
                        }
                      } catch (IllegalStateException interrupted) {
                        // interrupted below: expected
                      }
                    }));
      }
      head.join();
      for (Thread thread : threads) {
        thread.interrupt();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      byHand[call] = millis(System.nanoTime() - begin);

      begin = System.nanoTime();
      Integer firstOfGatherer =
          items.stream()
              .gather(
                  Gatherers.mapConcurrent(
                      Workload.MAP_CONCURRENT_LIMIT, EngineProbes::sleepingTask))
              .findFirst()
              .orElseThrow();
      gatherer[call] = millis(System.nanoTime() - begin);
      if (firstOfGatherer != 0) {
        throw new IllegalStateException("mapConcurrent's first result is " + firstOfGatherer);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "first-result, medians of %d calls (load %s):%n"
            + "  parmap: item 0 started %.3f ms after the call, slept %.3f ms, result in hand %.3f ms"
            + " after it returned, closing took %.3f ms; total %.3f ms%n"
            + "  by hand (16 virtual threads, first joined, 15 interrupted and joined): %.3f ms%n"
            + "  mapConcurrent(%d).findFirst(): %.3f ms%n",
        calls,
        Trial.loadAverage(),
        median(started),
        median(slept),
        median(inHand),
        median(closing),
        median(total),
        median(byHand),
        Workload.MAP_CONCURRENT_LIMIT,
        median(gatherer));
  }

  private static void dispatch(int calls) {
    int n = Workload.C.items();
    List<Integer> items = IntStream.range(0, n).boxed().toList();
    long[] starts = new long[n];
    long[] ends = new long[n];
    for (int call = 0; call < calls; call++) {
      long begin = System.nanoTime();
      Parmap.map(
          items,
          item -> {
            starts[item] = System.nanoTime();
            Contestants.sleep(WorkloadC.SLEEP_MILLIS);
            ends[item] = System.nanoTime();
            return item;
          });
      report("Parmap.map", begin, System.nanoTime(), starts, ends);
    }
    for (int call = 0; call < calls; call++) {
      long begin = System.nanoTime();
      List<Thread> threads = new ArrayList<>(n);
      for (Integer item : items) {
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      starts[item] = System.nanoTime();
                      Contestants.sleep(WorkloadC.SLEEP_MILLIS);
                      ends[item] = System.nanoTime();
                    }));
      }
      for (Thread thread : threads) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      report("virtual thread per item, joined", begin, System.nanoTime(), starts, ends);
    }
  }

  private static void report(String who, long begin, long end, long[] starts, long[] ends) {
    long lastStart = Arrays.stream(starts).max().orElse(begin);
    long lastEnd = Arrays.stream(ends).max().orElse(begin);
    System.out.printf(
        Locale.ROOT,
        "dispatch, %s: %.1f ms; last item started after %.1f ms; returned %.2f ms after the last"
            + " item ended (load %s)%n",
        who,
        millis(end - begin),
        millis(lastStart - begin),
        millis(end - lastEnd),
        Trial.loadAverage());
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  private static double median(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double value : values) {
      list.add(value);
    }
    return ResultsReport.median(list);
  }
}
