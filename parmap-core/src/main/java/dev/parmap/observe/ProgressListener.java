package dev.parmap.observe;

/**
 * Follows a call: its start, its progress, every chunk of items that ran (for timelines), and its
 * statistics at the end. Set it with {@link dev.parmap.MapOptions.Builder#listener}.
 *
 * <p><b>Threads.</b> All methods are called by the thread that drives the call (the caller of
 * {@code map}, the consumer of a stream), one at a time and never concurrently for one call, in
 * this order: {@link #onStart} once, then {@link #onChunk} and {@link #onProgress} interleaved,
 * then {@link #onFinish} once, whether the call succeeded, failed or was cancelled. A listener
 * shared by calls running at the same time is called concurrently by their drivers; to tell calls
 * apart, key per-call state by the driver thread (one thread drives one call at a time, unless it
 * reads two result streams alternately) or use one listener per call.
 *
 * <p><b>Cost.</b> Progress is throttled (at most once per {@linkplain
 * dev.parmap.MapOptions.Builder#progressInterval progress interval}, 100 ms by default, plus once
 * at the end); chunk events are made only if {@link #wantsChunks()} says so. The listener runs on
 * the driver, so a slow listener slows the hand-over of results, not the tasks. If a method throws
 * a {@link RuntimeException}, the call stops as for a failed task and throws a {@link
 * dev.parmap.ParmapException} with that cause (except from {@code onFinish}, whose exception is
 * thrown as it is after the call ended). An {@link Error} stops the call the same way and is thrown
 * as it is, once no task of the call runs any more.
 *
 * @since 0.1
 */
public interface ProgressListener {

  /**
   * The call is starting.
   *
   * @param what which call, e.g. {@code "Pool.map"}
   * @param total the number of items when the input is a {@link java.util.Collection}, otherwise -1
   *     (unknown)
   */
  default void onStart(String what, long total) {}

  /**
   * Progress so far; throttled.
   *
   * @param progress counts and elapsed time
   */
  default void onProgress(Progress progress) {}

  /**
   * Whether this listener wants {@link #onChunk} events (one small object per chunk).
   *
   * @return {@code false} by default
   */
  default boolean wantsChunks() {
    return false;
  }

  /**
   * A chunk of consecutive items has finished running, successfully or not. Called only if {@link
   * #wantsChunks()}.
   *
   * @param chunk what ran, where and when
   */
  default void onChunk(ChunkEvent chunk) {}

  /**
   * The call has ended: nothing of it is running any more. Called even if an earlier method of this
   * listener threw. When the call ends because its thread was interrupted, this runs with the
   * thread's interrupt flag set: a listener that blocks here should not clear it.
   *
   * @param stats the call's statistics
   */
  default void onFinish(RunStats stats) {}
}
