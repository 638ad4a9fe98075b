package dev.parmap;

import org.jspecify.annotations.Nullable;

/**
 * Work applied to each item when there is no result to collect: Python's {@code process(item)} that
 * returns {@code None}.
 *
 * <p>The same rules as for {@link Task} apply: it may throw any exception, it may receive {@code
 * null} items, it runs concurrently on pool threads, and it is interrupted when the call stops
 * early.
 *
 * @param <T> the type of the items
 * @since 0.1
 */
@FunctionalInterface
public interface Action<T extends @Nullable Object> {

  /**
   * Processes one item.
   *
   * @param item the item, possibly {@code null} if the input contains {@code null}
   * @throws Exception any failure; it fails the call (see {@link TaskFailedException})
   */
  void accept(T item) throws Exception;
}
