package dev.parmap.observe;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * What a call did, measured by the engine as it ran: counts, time, how busy the threads were, item
 * latency percentiles, and the chunk sizes the adaptive chunking chose.
 *
 * <p>Latencies are per item. For chunks of several cheap items, each item of a chunk is counted at
 * the chunk's average (the engine times chunks, not items, to stay cheap); percentiles come from a
 * logarithmic histogram with buckets about 19% wide.
 *
 * @param what which call, e.g. {@code "Pool.map"}
 * @param ending how the call ended
 * @param items items that finished, successfully or not
 * @param successes items that succeeded
 * @param failures items that failed
 * @param retries attempts beyond the first, over all items
 * @param wallTime from the start of the call to its end
 * @param busyTime the sum of the time threads spent running the call's chunks
 * @param busyTimeByThread busy time per platform thread name; all virtual threads are summed under
 *     {@code "virtual"}
 * @param parallelism how many tasks the pool can usefully run at once for CPU work
 * @param latencyP50 median item latency
 * @param latencyP95 95th percentile item latency
 * @param latencyP99 99th percentile item latency
 * @param chunks how many chunks ran
 * @param chunkSizes how many chunks had each size, by power-of-two bucket (key: the bucket's
 *     smallest size: 1, 2, 4, 8...)
 * @since 0.1
 */
public record RunStats(
    String what,
    Ending ending,
    long items,
    long successes,
    long failures,
    long retries,
    Duration wallTime,
    Duration busyTime,
    Map<String, Duration> busyTimeByThread,
    int parallelism,
    Duration latencyP50,
    Duration latencyP95,
    Duration latencyP99,
    long chunks,
    SortedMap<Integer, Long> chunkSizes) {

  /** How a call ended. */
  public enum Ending {
    /** Every item was handed over (with outcomes, failed items included). */
    COMPLETED,
    /** A task or the input failed and the call failed fast (or the pool was closed under it). */
    FAILED,
    /** The deadline passed first. */
    DEADLINE_EXCEEDED,
    /**
     * Stopped from outside: a result stream closed early, the caller interrupted, a future
     * cancelled, the pool terminated.
     */
    CANCELLED
  }

  /**
   * How much of the pool's capacity the call used: busy time over wall time × parallelism. Above 1
   * for blocking work on virtual threads (more tasks wait at once than there are processors).
   *
   * @return the utilisation, 0 when no time passed
   */
  public double utilisation() {
    long wall = wallTime.toNanos();
    return wall > 0 ? (double) busyTime.toNanos() / ((double) wall * parallelism) : 0;
  }

  /**
   * Items finished per second of wall time.
   *
   * @return the throughput, 0 when no time passed
   */
  public double throughput() {
    long wall = wallTime.toNanos();
    return wall > 0 ? items / (wall / 1e9) : 0;
  }

  /**
   * The average number of items per chunk.
   *
   * @return items over chunks, 0 without chunks
   */
  public double meanChunkSize() {
    return chunks > 0 ? (double) items / chunks : 0;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%s %s: %d items (%d ok, %d failed, %d retries) in %.1f ms, %.0f items/s, utilisation %.0f%%,"
            + " latency p50 %s p95 %s p99 %s, %d chunks (mean %.1f items)",
        what,
        ending.name().toLowerCase(Locale.ROOT).replace('_', ' '),
        items,
        successes,
        failures,
        retries,
        wallTime.toNanos() / 1e6,
        throughput(),
        utilisation() * 100,
        readable(latencyP50),
        readable(latencyP95),
        readable(latencyP99),
        chunks,
        meanChunkSize());
  }

  /** A duration in the unit that reads best: 850 ns, 12.3 µs, 4.56 ms, 1.23 s. */
  private static String readable(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos < 1_000) {
      return nanos + " ns";
    } else if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    } else if (nanos < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }
}
