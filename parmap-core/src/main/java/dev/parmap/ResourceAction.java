package dev.parmap;

import org.jspecify.annotations.Nullable;

/**
 * An {@link Action} that uses a per-worker resource: a connection that inserts rows, a writer, a
 * client that uploads files. Given to {@link ParallelPool#forEachWith} or {@link
 * WorkerResource#action}.
 *
 * @param <S> the resource
 * @param <T> the items
 * @since 0.1
 */
@FunctionalInterface
public interface ResourceAction<S, T extends @Nullable Object> {

  /**
   * Processes one item with a resource that no other task uses meanwhile.
   *
   * @param resource the resource, never {@code null}
   * @param item the item, possibly {@code null} if the input contains {@code null}
   * @throws Exception any failure; it fails the item as an {@link Action}'s would
   */
  void accept(S resource, T item) throws Exception;
}
