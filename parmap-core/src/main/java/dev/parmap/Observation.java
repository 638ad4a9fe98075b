package dev.parmap;

import dev.parmap.observe.ChunkEvent;
import dev.parmap.observe.Progress;
import dev.parmap.observe.ProgressListener;
import dev.parmap.observe.RunStats;
import org.jspecify.annotations.Nullable;

/**
 * Follows one call for its statistics and its listener: records every completed chunk, and tells
 * the listener that the call starts, each chunk (if it wants them), throttled progress, and the
 * end. Used by the call's driver only, so the listener is never called concurrently for one call.
 *
 * <p>A listener that throws stops the call: a {@link RuntimeException} becomes a {@link
 * ParmapException} with that cause, an {@link Error} is thrown as it is (both recorded in the
 * call's {@link Failures}, and {@code stop} is run for the first one). What the listener throws at
 * the end ({@code onProgress}, then {@code onFinish}, which runs even if the former threw) is
 * recorded as a failure after the end.
 */
final class Observation {
  private final String what;
  private final @Nullable ProgressListener listener;
  private final boolean chunkEvents;
  private final StatsRecorder stats;
  private final long intervalNanos;
  private final long total;
  private final Failures failures;
  private final Runnable stop;
  private long nextProgressAt;
  private boolean started;

  /**
   * @param total the number of items, or -1 if unknown
   * @param stop stops the call (when the listener throws)
   */
  Observation(
      String what,
      @Nullable ProgressListener listener,
      StatsRecorder stats,
      long intervalNanos,
      long total,
      Failures failures,
      Runnable stop) {
    this.what = what;
    this.listener = listener;
    this.chunkEvents = listener != null && listener.wantsChunks();
    this.stats = stats;
    this.intervalNanos = intervalNanos;
    this.total = total;
    this.failures = failures;
    this.stop = stop;
  }

  /** The call starts: tells the listener (once). */
  void started() {
    if (started) {
      return;
    }
    started = true;
    ProgressListener follower = listener;
    if (follower != null) {
      notify(() -> follower.onStart(what, total));
      nextProgressAt = saturatedAdd(stats.startNanos(), intervalNanos);
    }
  }

  /** A chunk completed: records it, and tells the listener if it wants to know. */
  void chunkCompleted(Chunk chunk) {
    stats.record(chunk);
    ProgressListener follower = listener;
    if (follower == null) {
      return;
    }
    if (chunkEvents && chunk.threadName != null) {
      ChunkEvent event = stats.event(chunk);
      notify(() -> follower.onChunk(event));
    }
    long now = System.nanoTime();
    if (now - nextProgressAt >= 0) {
      nextProgressAt = saturatedAdd(now, intervalNanos);
      Progress progress = stats.progress(total, now);
      notify(() -> follower.onProgress(progress));
    }
  }

  /**
   * The call has ended (nothing of it runs any more): its statistics, and the last progress and
   * {@code onFinish} for the listener if the call had started.
   */
  RunStats ended(RunStats.Ending ending) {
    long now = System.nanoTime();
    RunStats result = stats.finish(now, ending);
    ProgressListener follower = listener;
    if (follower != null && started) {
      try {
        follower.onProgress(stats.progress(total, now));
      } catch (RuntimeException e) {
        failures.recordAfterEnd(e);
      }
      try {
        follower.onFinish(result); // even if onProgress threw: it may hold a resource
      } catch (RuntimeException e) {
        failures.recordAfterEnd(e);
      }
    }
    return result;
  }

  private void notify(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      if (failures.record(new ParmapException(what + ": its progress listener threw " + e, e), e)) {
        stop.run();
      }
    } catch (Error e) { // not swallowed: thrown by the call once nothing of it runs
      if (failures.recordError(e)) {
        stop.run();
      }
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
