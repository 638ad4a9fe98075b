package dev.parmap.observe;

import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one call did, measured by the engine as it ran: counts, time, how busy the threads were,
 * item latency percentiles, and the chunk sizes the adaptive chunking chose. A {@link CallObserver}
 * receives its call's statistics in {@link CallObserver#onFinish}; {@link #call()} says which call
 * they belong to.
 *
 * <p>Latencies are per item. For chunks of several cheap items, each item of a chunk is counted at
 * the chunk's average (the engine times chunks, not items, to stay cheap); percentiles come from a
 * logarithmic histogram with buckets about 19% wide.
 *
 * <p>An immutable value; new accessors may be added in later versions. The engine makes them;
 * {@link #builder} makes one for a test of an observer.
 *
 * @since 0.1
 */
public final class CallStats {
  private final CallInfo call;
  private final Ending ending;
  private final long items;
  private final long failures;
  private final long retries;
  private final long timeouts;
  private final long rateLimitWaits;
  private final Duration wallTime;
  private final Duration busyTime;
  private final Map<String, Duration> busyTimeByThread;
  private final int parallelism;
  private final Duration latencyP50;
  private final Duration latencyP95;
  private final Duration latencyP99;
  private final long chunks;
  private final SortedMap<Integer, Long> chunkSizes;

  private CallStats(Builder builder) {
    this.call = builder.call;
    this.ending = builder.ending;
    this.items = builder.items;
    this.failures = builder.failures;
    this.retries = builder.retries;
    this.timeouts = builder.timeouts;
    this.rateLimitWaits = builder.rateLimitWaits;
    this.wallTime = builder.wallTime;
    this.busyTime = builder.busyTime;
    this.busyTimeByThread = builder.busyTimeByThread;
    this.parallelism = builder.parallelism;
    this.latencyP50 = builder.latencyP50;
    this.latencyP95 = builder.latencyP95;
    this.latencyP99 = builder.latencyP99;
    this.chunks = builder.chunks;
    this.chunkSizes = builder.chunkSizes;
  }

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
   * A builder, for tests of observers: zero counts and times, no chunks, parallelism 1, until set.
   *
   * @param call the call the statistics are of
   * @param ending how it ended
   * @return a new builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(CallInfo call, Ending ending) {
    return new Builder(call, ending);
  }

  /**
   * The call these statistics are of.
   *
   * @return what it was, on which pool, over how many items
   */
  public CallInfo call() {
    return call;
  }

  /**
   * How the call ended.
   *
   * @return the ending
   */
  public Ending ending() {
    return ending;
  }

  /**
   * Items that finished, successfully or not.
   *
   * @return {@link #successes()} plus {@link #failures()}
   */
  public long items() {
    return items;
  }

  /**
   * Items that succeeded.
   *
   * @return at least 0
   */
  public long successes() {
    return items - failures;
  }

  /**
   * Items that failed (their last attempt threw).
   *
   * @return at least 0
   */
  public long failures() {
    return failures;
  }

  /**
   * Attempts beyond the first, over all items.
   *
   * @return at least 0
   */
  public long retries() {
    return retries;
  }

  /**
   * Attempts that the call's timeout interrupted (retried or not).
   *
   * @return at least 0
   */
  public long timeouts() {
    return timeouts;
  }

  /**
   * Attempts that waited for their rate-limit slot.
   *
   * @return at least 0
   */
  public long rateLimitWaits() {
    return rateLimitWaits;
  }

  /**
   * From the start of the call to its end.
   *
   * @return not negative
   */
  public Duration wallTime() {
    return wallTime;
  }

  /**
   * The sum of the time threads spent running the call's chunks.
   *
   * @return not negative
   */
  public Duration busyTime() {
    return busyTime;
  }

  /**
   * Busy time per platform thread name; all virtual threads are summed under {@code "virtual"}.
   *
   * @return an unmodifiable map
   */
  public Map<String, Duration> busyTimeByThread() {
    return busyTimeByThread;
  }

  /**
   * How many tasks the pool can usefully run at once for CPU work.
   *
   * @return at least 1
   */
  public int parallelism() {
    return parallelism;
  }

  /**
   * Median item latency.
   *
   * @return zero without items
   */
  public Duration latencyP50() {
    return latencyP50;
  }

  /**
   * 95th percentile item latency.
   *
   * @return zero without items
   */
  public Duration latencyP95() {
    return latencyP95;
  }

  /**
   * 99th percentile item latency.
   *
   * @return zero without items
   */
  public Duration latencyP99() {
    return latencyP99;
  }

  /**
   * How many chunks ran.
   *
   * @return at least 0
   */
  public long chunks() {
    return chunks;
  }

  /**
   * How many chunks had each size, by power-of-two bucket.
   *
   * @return an unmodifiable map from the bucket's smallest size (1, 2, 4, 8...) to the number of
   *     chunks
   */
  public SortedMap<Integer, Long> chunkSizes() {
    return chunkSizes;
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
  public boolean equals(@Nullable Object other) {
    return other instanceof CallStats that
        && call.equals(that.call)
        && ending == that.ending
        && items == that.items
        && failures == that.failures
        && retries == that.retries
        && timeouts == that.timeouts
        && rateLimitWaits == that.rateLimitWaits
        && wallTime.equals(that.wallTime)
        && busyTime.equals(that.busyTime)
        && busyTimeByThread.equals(that.busyTimeByThread)
        && parallelism == that.parallelism
        && latencyP50.equals(that.latencyP50)
        && latencyP95.equals(that.latencyP95)
        && latencyP99.equals(that.latencyP99)
        && chunks == that.chunks
        && chunkSizes.equals(that.chunkSizes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        call,
        ending,
        items,
        failures,
        retries,
        timeouts,
        rateLimitWaits,
        wallTime,
        busyTime,
        chunks);
  }

  /**
   * The statistics in one line.
   *
   * @return e.g. {@code "Pool.forEach completed: 1000 items (1000 ok, 0 failed, 0 retries) in 3.1
   *     ms, ..."}
   */
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%s %s: %d items (%d ok, %d failed, %d retries) in %.1f ms, %.0f items/s, utilisation %.0f%%,"
            + " latency p50 %s p95 %s p99 %s, %d chunks (mean %.1f items)",
        call.what(),
        ending.name().toLowerCase(Locale.ROOT).replace('_', ' '),
        items,
        successes(),
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

  /** Builds a {@link CallStats}. Not thread-safe; what it builds is. */
  public static final class Builder {
    private final CallInfo call;
    private final Ending ending;
    private long items;
    private long failures;
    private long retries;
    private long timeouts;
    private long rateLimitWaits;
    private Duration wallTime = Duration.ZERO;
    private Duration busyTime = Duration.ZERO;
    private Map<String, Duration> busyTimeByThread = Map.of();
    private int parallelism = 1;
    private Duration latencyP50 = Duration.ZERO;
    private Duration latencyP95 = Duration.ZERO;
    private Duration latencyP99 = Duration.ZERO;
    private long chunks;
    private SortedMap<Integer, Long> chunkSizes = Collections.emptySortedMap();

    private Builder(CallInfo call, Ending ending) {
      this.call = Objects.requireNonNull(call, "call must not be null");
      this.ending = Objects.requireNonNull(ending, "ending must not be null");
    }

    /**
     * What the item policies did.
     *
     * @param timeouts attempts the timeout interrupted
     * @param rateLimitWaits attempts that waited for their rate-limit slot
     * @return this builder
     * @throws IllegalArgumentException if a count is negative
     */
    public Builder policies(long timeouts, long rateLimitWaits) {
      if (timeouts < 0 || rateLimitWaits < 0) {
        throw new IllegalArgumentException(
            "policy counts must be at least 0, but were timeouts="
                + timeouts
                + ", rateLimitWaits="
                + rateLimitWaits);
      }
      this.timeouts = timeouts;
      this.rateLimitWaits = rateLimitWaits;
      return this;
    }

    /**
     * The item counts.
     *
     * @param items items that finished, successfully or not
     * @param failures how many of them failed
     * @param retries attempts beyond the first
     * @return this builder
     * @throws IllegalArgumentException if a count is negative or {@code failures} exceeds {@code
     *     items}
     */
    public Builder counts(long items, long failures, long retries) {
      if (items < 0 || failures < 0 || retries < 0 || failures > items) {
        throw new IllegalArgumentException(
            "counts must be at least 0, failures at most items, but were items="
                + items
                + ", failures="
                + failures
                + ", retries="
                + retries);
      }
      this.items = items;
      this.failures = failures;
      this.retries = retries;
      return this;
    }

    /**
     * The times.
     *
     * @param wallTime from the call's start to its end
     * @param busyTime the time threads spent running its chunks
     * @param busyTimeByThread busy time per platform thread name, virtual threads under {@code
     *     "virtual"}; copied
     * @return this builder
     */
    public Builder time(
        Duration wallTime, Duration busyTime, Map<String, Duration> busyTimeByThread) {
      this.wallTime = Objects.requireNonNull(wallTime, "wallTime must not be null");
      this.busyTime = Objects.requireNonNull(busyTime, "busyTime must not be null");
      this.busyTimeByThread = Map.copyOf(busyTimeByThread);
      return this;
    }

    /**
     * The pool's parallelism for CPU work.
     *
     * @param parallelism at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code parallelism} is below 1
     */
    public Builder parallelism(int parallelism) {
      if (parallelism < 1) {
        throw new IllegalArgumentException(
            "parallelism must be at least 1, but was " + parallelism);
      }
      this.parallelism = parallelism;
      return this;
    }

    /**
     * The item latency percentiles.
     *
     * @param p50 the median
     * @param p95 the 95th percentile
     * @param p99 the 99th percentile
     * @return this builder
     */
    public Builder latency(Duration p50, Duration p95, Duration p99) {
      this.latencyP50 = Objects.requireNonNull(p50, "p50 must not be null");
      this.latencyP95 = Objects.requireNonNull(p95, "p95 must not be null");
      this.latencyP99 = Objects.requireNonNull(p99, "p99 must not be null");
      return this;
    }

    /**
     * The chunks.
     *
     * @param chunks how many ran
     * @param chunkSizes how many had each size, by power-of-two bucket; copied
     * @return this builder
     */
    public Builder chunks(long chunks, Map<Integer, Long> chunkSizes) {
      this.chunks = chunks;
      this.chunkSizes = Collections.unmodifiableSortedMap(new TreeMap<>(chunkSizes));
      return this;
    }

    /**
     * Builds the value.
     *
     * @return a new {@link CallStats}
     */
    public CallStats build() {
      return new CallStats(this);
    }
  }
}
