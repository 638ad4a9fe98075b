package dev.parmap;

import org.jspecify.annotations.Nullable;

/**
 * A task that uses a per-worker resource: a parser, a connection, a {@link
 * java.security.MessageDigest}, a compiled set of patterns. Given to {@link ParallelPool#mapWith}
 * or {@link WorkerResource#task}.
 *
 * @param <S> the resource
 * @param <T> the items
 * @param <R> the results
 * @since 0.1
 */
@FunctionalInterface
public interface ResourceTask<S, T extends @Nullable Object, R extends @Nullable Object> {

  /**
   * Computes the result for one item with a resource that no other task uses meanwhile.
   *
   * @param resource the resource, never {@code null}
   * @param item the item, possibly {@code null} if the input contains {@code null}
   * @return the result, possibly {@code null}
   * @throws Exception any failure; it fails the item as a {@link Task}'s would
   */
  R apply(S resource, T item) throws Exception;
}
