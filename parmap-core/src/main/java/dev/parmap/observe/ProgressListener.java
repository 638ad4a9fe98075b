package dev.parmap.observe;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Follows calls: when a call starts, it is told what the call is and returns the {@link
 * CallObserver} that follows that call alone (its progress, its chunks, its statistics). Set it
 * with {@link dev.parmap.MapOptions.Builder#listener}; every call made with those options starts
 * with {@link #onStart}.
 *
 * <pre>{@code
 * ProgressListener listener =
 *     call ->
 *         new CallObserver() {
 *           @Override
 *           public void onFinish(CallStats stats) {
 *             log.info("{}: {}", call, stats);
 *           }
 *         };
 * }</pre>
 *
 * <p><b>Threads.</b> {@link #onStart} runs on the thread that drives the call (the caller of {@code
 * map}, the consumer of a stream), before any of the call's events. A listener shared by calls
 * running at the same time is called concurrently by their drivers, so it must be thread-safe; the
 * observers it returns are each called by one call only (see {@link CallObserver}), so per-call
 * state belongs in them.
 *
 * <p><b>Failures.</b> If {@code onStart} throws, or returns {@code null}, the call stops as for a
 * failed task and throws a {@link dev.parmap.ParmapException} with that cause (a {@link
 * NullPointerException} for {@code null}); an {@link Error} stops the call the same way and is
 * thrown as it is, once no task of the call runs any more. Either way the call has no observer.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ProgressListener {

  /**
   * A call is starting: returns what follows it.
   *
   * @param call which call, on which pool, over how many items
   * @return the call's observer; not null (return {@code new CallObserver() {}} to ignore a call)
   */
  CallObserver onStart(CallInfo call);

  /**
   * A listener that hands the statistics of each call to {@code action} when the call has ended, on
   * the thread that drove it: for calls running at the same time, concurrently. The statistics are
   * the call's own ({@link CallStats#call()} says which).
   *
   * @param action what to do with each call's statistics, e.g. {@code finished::add} on a
   *     concurrent collection
   * @return a listener for {@link dev.parmap.MapOptions.Builder#listener}
   * @throws NullPointerException if {@code action} is null
   */
  static ProgressListener onFinish(Consumer<? super CallStats> action) {
    Objects.requireNonNull(action, "action must not be null");
    CallObserver observer =
        new CallObserver() {
          @Override
          public void onFinish(CallStats stats) {
            action.accept(stats);
          }
        };
    return call -> observer; // it keeps no state of its own: one serves every call
  }
}
