package dev.parmap.engine;

import org.jspecify.annotations.Nullable;

/**
 * Work that needs a per-worker resource, as the engine sees it: how to create one, apply the task
 * with it, and close it (a {@code dev.parmap.WorkerResource}'s task, adapted by the front end). A
 * call given one keeps its resources in {@link WorkerResources}; applied as a plain {@link Work}
 * (outside such a call), each application creates a resource, uses it and closes it.
 */
public interface ResourceWork extends Work {
  /**
   * Creates a resource.
   *
   * @return the new resource, never null
   * @throws Exception whatever the user's factory throws
   */
  Object create() throws Exception;

  /**
   * Applies the task to one item with a resource that no other task uses meanwhile.
   *
   * @throws Exception whatever the user's task throws
   */
  @Nullable Object apply(Object resource, @Nullable Object item) throws Exception;

  /**
   * Closes a resource; called once per resource, once no task uses it.
   *
   * @throws Exception whatever the user's close throws
   */
  void close(Object resource) throws Exception;

  /**
   * Whether the pool keeps this work's resources between calls, until it closes ({@link
   * PoolWork#keptResources}), rather than closing them when each call ends.
   *
   * @return the key that calls sharing the resources have in common (the user's resource
   *     description), or null if the resources end with each call
   */
  default @Nullable Object poolKey() {
    return null;
  }

  /** Applies the task with a resource of its own, closed before this returns. */
  @Override
  default @Nullable Object apply(@Nullable Object item) throws Exception {
    Object resource = create();
    Throwable failed = null;
    try {
      return apply(resource, item);
    } catch (Throwable e) { // closed either way; what the task threw comes first
      failed = e;
      throw e;
    } finally {
      try {
        close(resource);
      } catch (Throwable e) {
        if (failed == null) {
          throw e;
        }
        failed.addSuppressed(e);
      }
    }
  }
}
