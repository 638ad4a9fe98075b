package dev.parmap.benchmarks;

/**
 * The ways of running a workload that the benchmarks compare. The constant names are the values of
 * the JMH parameter {@code contestant}, so they read as in a command line: {@code -p
 * contestant=parmap}.
 */
public enum Contestant {
  /** A plain sequential {@code for} loop on the calling thread: the reference. */
  loop("sequential loop"),
  /**
   * parmap's default call: {@code Parmap.map} (A, B, C), {@code Pool.virtual()} + stream (D, E).
   */
  parmap("parmap default"),
  /** {@code Pool.virtual()} + {@code streamUnordered} (workload D only). */
  parmapUnordered("parmap streamUnordered"),
  /** {@code Collection.parallelStream()} (the common fork-join pool and the caller). */
  parallelStream("parallelStream"),
  /** {@code invokeAll} on {@code Executors.newFixedThreadPool(availableProcessors())}. */
  fixedPool("fixed pool invokeAll"),
  /** {@code invokeAll} on {@code Executors.newVirtualThreadPerTaskExecutor()}. */
  virtualThreads("virtual-thread-per-task invokeAll"),
  /** {@code CompletableFuture.supplyAsync} per item on its default executor, then {@code join}. */
  supplyAsync("CompletableFuture.supplyAsync per item"),
  /** {@code ParallelCollectors.parallel(task, toList())} of parallel-collectors 3.3.0. */
  parallelCollectors("parallel-collectors 3.3.0"),
  /** {@code Gatherers.mapConcurrent(10_000, task)} on a sequential stream. */
  mapConcurrent("Gatherers.mapConcurrent(10,000)"),
  /**
   * {@code ParallelCollectors.Batching.parallel(task, toList(), executor, cores)}: the input split
   * into one batch per core up front, on virtual threads (workload F only).
   */
  parallelCollectorsBatching("parallel-collectors 3.3.0 Batching");

  private final String label;

  Contestant(String label) {
    this.label = label;
  }

  /** How RESULTS.md names it. */
  public String label() {
    return label;
  }
}
