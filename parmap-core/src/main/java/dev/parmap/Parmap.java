package dev.parmap;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collector;
import org.jspecify.annotations.Nullable;

/**
 * One call to make a loop parallel, with nothing to set up or close.
 *
 * <pre>{@code
 * List<Page> pages = Parmap.map(urls, url -> fetch(url));   // ordered, one result per url
 * Parmap.forEach(files, file -> upload(file));              // no results
 * }</pre>
 *
 * <p>Each call uses a fresh {@link Pool#virtual()} pool and closes it before it returns, so it is
 * right for blocking work (thousands of items waiting on I/O run together) and for CPU work alike,
 * and it leaves no thread behind. The full contract (order, fail fast, interruption) is that of
 * {@link Pool}. For more control, or to reuse threads across calls, use a {@link Pool}.
 *
 * @since 0.1
 */
public final class Parmap {
  private Parmap() {}

  /**
   * Applies {@code task} to every item in parallel and returns the results in input order.
   *
   * @param items the items; read once, lazily; may contain {@code null}
   * @param task applied to each item; may return {@code null}
   * @return an unmodifiable list with the result of item {@code i} at position {@code i}
   * @throws TaskFailedException if a task threw: the others were interrupted and have ended
   * @throws InputFailedException if the items' iterator threw
   * @throws CallInterruptedException if the calling thread was interrupted while waiting
   * @throws NullPointerException if {@code items} or {@code task} is null
   * @see Pool#map
   */
  public static <T extends @Nullable Object, R extends @Nullable Object> List<R> map(
      Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    Pool.notNull(items, "items");
    Pool.notNull(task, "task");
    try (Pool pool = Pool.virtual()) {
      return pool.map(items, task);
    }
  }

  /**
   * Applies {@code action} to every item in parallel, for work without a result.
   *
   * @param items the items; read once, lazily; may contain {@code null}
   * @param action applied to each item
   * @throws TaskFailedException if an action threw: the others were interrupted and have ended
   * @throws InputFailedException if the items' iterator threw
   * @throws CallInterruptedException if the calling thread was interrupted while waiting
   * @throws NullPointerException if {@code items} or {@code action} is null
   * @see Pool#forEach
   */
  public static <T extends @Nullable Object> void forEach(
      Iterable<? extends T> items, Action<? super T> action) {
    Pool.notNull(items, "items");
    Pool.notNull(action, "action");
    try (Pool pool = Pool.virtual()) {
      pool.forEach(items, action);
    }
  }

  /**
   * A collector that applies {@code task} to the stream's elements in parallel and collects the
   * results in encounter order: {@code items.stream().collect(Parmap.toList(task))} is {@code
   * Parmap.map(items, task)} at the end of a stream pipeline.
   *
   * <p>The elements are gathered first (a collector sees them one by one and cannot know the end
   * before the stream finishes), then mapped as {@link #map} does, with the same contract: a fresh
   * {@link Pool#virtual()} pool, fail fast, no thread left behind. To map lazily and in bounded
   * memory, use {@link Pool#stream} instead. On a parallel stream the elements are gathered in
   * parallel and still mapped once, in order.
   *
   * @param task applied to each element; may return {@code null}
   * @return a collector of the results in encounter order, as an unmodifiable list
   * @throws NullPointerException if {@code task} is null
   */
  public static <T extends @Nullable Object, R extends @Nullable Object>
      Collector<T, ?, List<R>> toList(Task<? super T, ? extends R> task) {
    Pool.notNull(task, "task");
    return Collector.<T, ArrayList<T>, List<R>>of(
        ArrayList::new,
        ArrayList::add,
        (left, right) -> {
          left.addAll(right);
          return left;
        },
        items -> map(items, task));
  }
}
