package dev.parmap.engine;

import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallObserver;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import dev.parmap.observe.Progress;
import dev.parmap.observe.ProgressListener;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Follows one call for its listener: asks the listener for the call's observer when the call
 * starts, then records every completed chunk and tells the observer each chunk (if it wants them),
 * throttled progress, and the end with the call's statistics. Used by the call's driver only, so an
 * observer is never called concurrently. Without a listener nothing is recorded: statistics exist
 * only for an observer to receive them.
 *
 * <p>A listener or observer that throws stops the call: a {@link RuntimeException} becomes a {@link
 * dev.parmap.ParmapException} with that cause, an {@link Error} is thrown as it is (both recorded
 * in the call's {@link Failures}, and {@code stop} is run for the first one). A listener that
 * returns no observer fails the same way, with a {@link NullPointerException}. What the observer
 * throws at the end ({@code onProgress}, then {@code onFinish}, which runs even if the former
 * threw) is recorded as a failure after the end.
 */
final class Observation {
  private final CallInfo call;
  private final @Nullable ProgressListener listener;
  private final PublicTypes types;
  private final StatsRecorder stats;
  private final long intervalNanos;
  private final Failures failures;
  private final Runnable stop;
  private @Nullable CallObserver observer;
  private boolean chunkEvents;
  private long nextProgressAt;
  private boolean started;
  private final CallFlight flight;

  /** As the full constructor, with JFR events of its own (for tests). */
  Observation(
      CallInfo call,
      @Nullable ProgressListener listener,
      int parallelism,
      long startNanos,
      long intervalNanos,
      Failures failures,
      PublicTypes types,
      Runnable stop) {
    this(
        call,
        listener,
        parallelism,
        startNanos,
        intervalNanos,
        failures,
        types,
        stop,
        new CallFlight(new WorkerResources(null)));
  }

  /**
   * @param call what the call is, as the listener is told
   * @param parallelism the pool's parallelism for CPU work, for the statistics
   * @param startNanos when the call started, on {@link System#nanoTime()}
   * @param stop stops the call (when the listener or observer throws)
   * @param flight the call's JFR events, recorded with or without a listener
   */
  Observation(
      CallInfo call,
      @Nullable ProgressListener listener,
      int parallelism,
      long startNanos,
      long intervalNanos,
      Failures failures,
      PublicTypes types,
      Runnable stop,
      CallFlight flight) {
    this.call = call;
    this.listener = listener;
    this.stats = new StatsRecorder(call, parallelism, startNanos);
    this.intervalNanos = intervalNanos;
    this.failures = failures;
    this.types = types;
    this.stop = stop;
    this.flight = flight;
  }

  /** The call starts: asks the listener for the call's observer (once). */
  void started() {
    if (started) {
      return;
    }
    started = true;
    flight.begin();
    ProgressListener follower = listener;
    if (follower != null) {
      notify(
          () -> {
            CallObserver created =
                Objects.requireNonNull(
                    follower.onStart(call), "ProgressListener.onStart returned null");
            observer = created;
            chunkEvents = created.wantsChunks();
          });
      nextProgressAt = Durations.saturatedAdd(stats.startNanos(), intervalNanos);
    }
  }

  /** A chunk completed: records it, and tells the observer if it wants to know. */
  void chunkCompleted(Chunk chunk) {
    flight.chunkCompleted(chunk);
    CallObserver follower = observer;
    if (follower == null) {
      return;
    }
    stats.record(chunk);
    if (chunkEvents && chunk.threadName != null) {
      ChunkEvent event = stats.event(chunk);
      notify(() -> follower.onChunk(event));
    }
    long now = System.nanoTime();
    if (now - nextProgressAt >= 0) {
      nextProgressAt = Durations.saturatedAdd(now, intervalNanos);
      Progress progress = stats.progress(now);
      notify(() -> follower.onProgress(progress));
    }
  }

  /**
   * The call has ended (nothing of it runs any more): the last progress and {@code onFinish} with
   * the call's statistics, if the call has an observer.
   */
  void ended(CallStats.Ending ending) {
    flight.end(call.what(), call.pool(), ending);
    CallObserver follower = observer;
    if (follower == null) {
      return;
    }
    observer = null; // once
    long now = System.nanoTime();
    try {
      follower.onProgress(stats.progress(now));
    } catch (RuntimeException e) {
      failures.recordAfterEnd(e);
    }
    try {
      follower.onFinish(
          stats.finish(now, ending)); // even if onProgress threw: it may hold a resource
    } catch (RuntimeException e) {
      failures.recordAfterEnd(e);
    }
  }

  private void notify(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      if (failures.record(
          types.callFailed(call.what() + ": its progress listener threw " + e, e), e)) {
        stop.run();
      }
    } catch (Error e) { // not swallowed: thrown by the call once nothing of it runs
      if (failures.recordError(e)) {
        stop.run();
      }
    }
  }
}
