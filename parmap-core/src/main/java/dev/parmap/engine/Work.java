package dev.parmap.engine;

import org.jspecify.annotations.Nullable;

/**
 * The work a call applies to each item, as the engine sees it: the user's task (or action) with its
 * types erased, adapted by the front end.
 */
@FunctionalInterface
public interface Work {
  /**
   * Applies the work to one item.
   *
   * @param item the item; may be null
   * @return the result; may be null
   * @throws Exception whatever the user's task throws
   */
  @Nullable Object apply(@Nullable Object item) throws Exception;
}
