package dev.parmap.engine;

/**
 * What a call needs of its pool, as one immutable value: the engine never calls back into the pool
 * ({@code dev.parmap.Pool}, or a front end such as a stream's gatherer). A pool and its {@code
 * with} views share every part but the description.
 *
 * @param description what the pool is, without its options (e.g. {@code Pool.virtual(8)}), for
 *     messages and a call's listener
 * @param launcher how the pool puts work on threads
 * @param threadPrefix the start of the names of the threads the pool makes
 * @param window items read and not yet handed over, at most, per call
 * @param timer the scheduler of the pool's timeout alarms
 * @param work the pool's calls and submissions: a call deregisters there when it ends
 * @param ticker the clock, sleeper and jitter source of the item policies
 * @param types the public types of the front end: its exceptions and outcomes
 */
public record PoolContext(
    String description,
    Launcher launcher,
    String threadPrefix,
    int window,
    PoolTimer timer,
    PoolWork work,
    Ticker ticker,
    PublicTypes types) {

  /**
   * The window of parmap's calls unless a pool or front end says otherwise: items read and not yet
   * handed over, per call. Wide enough that thousands of blocking calls overlap, small enough that
   * the items, results and parked virtual threads held stay in the tens of megabytes for ordinary
   * tasks.
   */
  public static final int DEFAULT_WINDOW = 16_384;
}
