package dev.parmap;

import org.jspecify.annotations.Nullable;

/**
 * The work applied to each item of a parallel map: Python's {@code process(item)} that returns a
 * value.
 *
 * <p>A task may throw any exception, checked or not; parmap reports it as a {@link
 * TaskFailedException} that carries the item, its index and the exception as the cause. A task may
 * receive a {@code null} item (when the input holds one) and may return {@code null}.
 *
 * <p>A task runs on a pool thread, concurrently with other invocations of itself, so it must be
 * safe to call from several threads at once. When parmap stops a call early (a sibling failed, the
 * caller was interrupted, the stream was closed, the pool was terminated) it interrupts the threads
 * running tasks: a task that blocks should let {@link InterruptedException} propagate (or restore
 * the interrupt flag) so that the call can end promptly.
 *
 * @param <T> the type of the items
 * @param <R> the type of the results
 * @since 0.1
 */
@FunctionalInterface
public interface Task<T extends @Nullable Object, R extends @Nullable Object> {

  /**
   * Computes the result for one item.
   *
   * @param item the item, possibly {@code null} if the input contains {@code null}
   * @return the result, possibly {@code null}
   * @throws Exception any failure; it fails the call (see {@link TaskFailedException})
   */
  R apply(T item) throws Exception;
}
