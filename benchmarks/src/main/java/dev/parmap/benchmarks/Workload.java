package dev.parmap.benchmarks;

import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * The six workloads, shared by the benchmark classes ({@code WorkloadA} ... {@code WorkloadF}) and
 * by {@link ResultsReport}, so that both agree on sizes and on who runs what.
 */
public enum Workload {
  A("1,000,000 tiny CPU items (a few arithmetic ops), results in a list in order", 1_000_000),
  B("2,000 items × ~1 ms of CPU (a busy loop)", 2_000),
  C("10,000 items × Thread.sleep(100 ms)", 10_000),
  D("20,000,000 Longs from a lazy iterator, summed, in a JVM with -Xmx256m", 20_000_000),
  E("time to the first ordered result: item 0 sleeps 10 ms, items 1..15 sleep 1 s", 16),
  F(
      "skewed costs: 10,000 CPU items, most 2–8 µs, 0.3% of them 1–10 ms (seeded), results in"
          + " order",
      10_000);

  /** Contestants of A, B, C and E, in table order. */
  static final List<Contestant> COMMON =
      List.of(
          Contestant.loop,
          Contestant.parmap,
          Contestant.parallelStream,
          Contestant.fixedPool,
          Contestant.virtualThreads,
          Contestant.supplyAsync,
          Contestant.parallelCollectors,
          Contestant.mapConcurrent);

  /** Contestants of D: parmap runs ordered and unordered. */
  static final List<Contestant> LAZY =
      List.of(
          Contestant.loop,
          Contestant.parmap,
          Contestant.parmapUnordered,
          Contestant.parallelStream,
          Contestant.fixedPool,
          Contestant.virtualThreads,
          Contestant.supplyAsync,
          Contestant.parallelCollectors,
          Contestant.mapConcurrent);

  /** Contestants of F: the loop measures the total work, the others share it over the cores. */
  static final List<Contestant> SKEWED =
      List.of(
          Contestant.loop,
          Contestant.parmap,
          Contestant.parallelStream,
          Contestant.virtualThreads,
          Contestant.parallelCollectorsBatching);

  /** What mapConcurrent gets as its concurrency everywhere (the value for C). */
  static final int MAP_CONCURRENT_LIMIT = 10_000;

  /** How long C's bounded contestants should run, in waves of 100 ms. */
  private static final int C_WAVES = 10;

  private final String what;
  private final int items;

  Workload(String what, int items) {
    this.what = what;
    this.items = items;
  }

  /** One line for RESULTS.md. */
  public String what() {
    return what;
  }

  /** The size the issue asks for. */
  public int items() {
    return items;
  }

  /** The contestants, in table order. */
  public List<Contestant> contestants() {
    return switch (this) {
      case D -> LAZY;
      case F -> SKEWED;
      default -> COMMON;
    };
  }

  /**
   * The number of items {@code contestant} runs. It is {@link #items()} except in C for the
   * contestants with a fixed number of threads: 10,000 sleeps of 100 ms on {@code t} threads take
   * {@code 1000 / t} seconds (8 minutes on 2 cores for a fixed pool), so they run {@code 10 × t}
   * items (about 1 s) and RESULTS.md extrapolates, marked as such.
   */
  public int itemsFor(Contestant contestant) {
    if (this != C) {
      return items;
    }
    int threads = threadsOf(contestant);
    return threads == 0 ? items : Math.min(items, C_WAVES * threads);
  }

  /**
   * The number of threads a contestant sleeps on at most, or 0 if it starts a thread per item. On
   * JDK 25 {@code supplyAsync} uses the common pool even when its parallelism is 1 (earlier JDKs
   * started a thread per task there).
   */
  static int threadsOf(Contestant contestant) {
    int common = ForkJoinPool.getCommonPoolParallelism();
    return switch (contestant) {
      case loop -> 1;
      case parallelStream -> common + 1; // the caller works too
      case supplyAsync -> common;
      case fixedPool -> Runtime.getRuntime().availableProcessors();
      default -> 0;
    };
  }
}
