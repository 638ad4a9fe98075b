package dev.parmap.observe;

/**
 * Follows one call: its progress, every chunk of items that ran (for timelines), and its statistics
 * at the end. A {@link ProgressListener} returns one from {@link ProgressListener#onStart} for each
 * call it follows.
 *
 * <p><b>Threads.</b> An observer hears from its own call only, on the thread that drives that call
 * (the caller of {@code map}, the consumer of a stream), one method at a time, each call of a
 * method happening-before the next: it needs no synchronisation and no lookup of "its" call, even
 * when one thread drives several calls interleaved (two result streams read alternately). The
 * order: {@link #wantsChunks} once, right after {@code onStart} returned the observer, then {@link
 * #onChunk} and {@link #onProgress} interleaved, then {@link #onFinish} once, whether the call
 * succeeded, failed or was cancelled. To publish what it saw to other threads, it must do so itself
 * (a concurrent collection, a volatile field).
 *
 * <p><b>Cost and failures.</b> Progress is throttled (at most once per {@linkplain
 * dev.parmap.MapOptions.Builder#progressInterval progress interval}, 100 ms by default, plus once
 * at the end); chunk events are made only if {@link #wantsChunks()} says so. The observer runs on
 * the driver, so a slow observer slows the hand-over of results, not the tasks. If a method throws
 * a {@link RuntimeException}, the call stops as for a failed task and throws a {@link
 * dev.parmap.ParmapException} with that cause (except from {@code onFinish}, whose exception is
 * thrown as it is after the call ended). An {@link Error} stops the call the same way and is thrown
 * as it is, once no task of the call runs any more.
 *
 * <p>Every method does nothing by default: implement those you need.
 *
 * @since 0.1
 */
public interface CallObserver {

  /**
   * Whether this observer wants {@link #onChunk} events (one small object per chunk). Asked once,
   * when the call starts.
   *
   * @return {@code false} by default
   */
  default boolean wantsChunks() {
    return false;
  }

  /**
   * Progress so far; throttled.
   *
   * @param progress counts and elapsed time
   */
  default void onProgress(Progress progress) {}

  /**
   * A chunk of consecutive items has finished running, successfully or not. Called only if {@link
   * #wantsChunks()}.
   *
   * @param chunk what ran, where and when
   */
  default void onChunk(ChunkEvent chunk) {}

  /**
   * The call has ended: nothing of it is running any more. Called even if an earlier method of this
   * observer threw. When the call ends because its thread was interrupted, this runs with the
   * thread's interrupt flag set: an observer that blocks here should not clear it.
   *
   * @param stats the call's statistics
   */
  default void onFinish(CallStats stats) {}
}
