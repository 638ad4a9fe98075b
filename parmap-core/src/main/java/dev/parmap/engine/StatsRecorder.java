package dev.parmap.engine;

import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import dev.parmap.observe.Progress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Accumulates a call's statistics from its completed chunks. Driver only: not thread-safe, and
 * nothing here is touched by the threads that run items.
 */
final class StatsRecorder {
  /** Latency buckets: 4 per power of two from 1 ns, so a bucket is about 19% wide. */
  private static final int BUCKETS_PER_DOUBLING = 4;

  private static final int BUCKETS = 64 * BUCKETS_PER_DOUBLING;

  private final CallInfo call;
  private final int parallelism;
  private final long startNanos;
  private final long[] latency = new long[BUCKETS];
  private final long[] chunkSizes = new long[32];
  private final Map<String, Long> busyByThread = new HashMap<>();
  private long items;
  private long failures;
  private long retries;
  private long timeouts;
  private long rateLimitWaits;
  private long busyNanos;
  private long chunks;

  /** Reused for every chunk event: the events it builds are copies. */
  private final ChunkEvent.Builder events = ChunkEvent.builder();

  StatsRecorder(CallInfo call, int parallelism, long startNanos) {
    this.call = call;
    this.parallelism = parallelism;
    this.startNanos = startNanos;
  }

  long startNanos() {
    return startNanos;
  }

  void record(Chunk chunk) {
    if (chunk.threadName == null) {
      return; // skipped: the call had stopped before it started
    }
    chunks++;
    int finished = finished(chunk);
    items += finished;
    failures += failed(chunk);
    retries += chunk.retries;
    timeouts += chunk.timeouts;
    rateLimitWaits += chunk.rateLimitWaits;
    busyNanos += chunk.nanos;
    String thread = chunk.virtualThread ? "virtual" : chunk.threadName;
    busyByThread.merge(thread, chunk.nanos, Long::sum);
    chunkSizes[31 - Integer.numberOfLeadingZeros(Math.max(1, chunk.ownSize()))]++;
    if (finished > 0) {
      latency[bucket(chunk.nanos / finished)] += finished;
    }
  }

  ChunkEvent event(Chunk chunk) {
    long start = chunk.startNanos - startNanos;
    String thread = chunk.threadName;
    return events
        .thread(thread != null ? thread : "", chunk.virtualThread)
        .items(chunk.firstIndex, chunk.ownSize())
        .counts(finished(chunk), failed(chunk), chunk.retries)
        .policies(chunk.timeouts, chunk.rateLimitWaits)
        .time(start, start + chunk.nanos)
        .build();
  }

  /**
   * The chunk's items that finished, successfully or not, as {@link CallStats#items()} and {@link
   * Progress#done()} define it. Under fail fast the item that failed finished too, though {@code
   * chunk.done} counts only the successes before it; an item that the call's stop interrupted (a
   * consequence, not news) did not finish and is not counted.
   */
  static int finished(Chunk chunk) {
    return chunk.failure == null ? chunk.done : chunk.done + failedFast(chunk);
  }

  /** The chunk's items that failed for good (their last attempt threw on its own). */
  static int failed(Chunk chunk) {
    return chunk.failure == null ? chunk.failedItems : failedFast(chunk);
  }

  /** Under fail fast a chunk stops at its first failure: one item, if it failed on its own. */
  private static int failedFast(Chunk chunk) {
    return chunk.failedOnItsOwn ? 1 : 0;
  }

  Progress progress(long now) {
    return Progress.builder()
        .total(call.total())
        .counts(items, failures, retries)
        .elapsed(Duration.ofNanos(now - startNanos))
        .build();
  }

  CallStats finish(long now, CallStats.Ending ending) {
    Map<String, Duration> busy = new HashMap<>();
    busyByThread.forEach((thread, nanos) -> busy.put(thread, Duration.ofNanos(nanos)));
    SortedMap<Integer, Long> sizes = new TreeMap<>();
    for (int i = 0; i < chunkSizes.length; i++) {
      if (chunkSizes[i] > 0) {
        sizes.put(1 << i, chunkSizes[i]);
      }
    }
    return CallStats.builder(call, ending)
        .counts(items, failures, retries)
        .policies(timeouts, rateLimitWaits)
        .time(Duration.ofNanos(now - startNanos), Duration.ofNanos(busyNanos), busy)
        .parallelism(parallelism)
        .latency(percentile(0.50), percentile(0.95), percentile(0.99))
        .chunks(chunks, sizes)
        .build();
  }

  private Duration percentile(double p) {
    long total = 0;
    for (long count : latency) {
      total += count;
    }
    if (total == 0) {
      return Duration.ZERO;
    }
    long rank = (long) Math.ceil(p * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += latency[i];
      if (seen >= rank) {
        return Duration.ofNanos(upperBound(i));
      }
    }
    return Duration.ofNanos(upperBound(BUCKETS - 1));
  }

  static int bucket(long nanos) {
    if (nanos <= 1) {
      return 0;
    }
    int index = (int) Math.ceil(Math.log(nanos) / Math.log(2) * BUCKETS_PER_DOUBLING);
    return Math.min(index, BUCKETS - 1);
  }

  static long upperBound(int bucket) {
    return (long) Math.pow(2, (double) bucket / BUCKETS_PER_DOUBLING);
  }
}
