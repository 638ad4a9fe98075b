package dev.parmap.hazelcast;

import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * The task of a call that reports outcomes, as sent to members: the user's task, whose failure on
 * an item is returned as that item's {@link Failed} result instead of ending the chunk, so that the
 * member runs every item of the chunk and the caller makes one outcome per item.
 */
final class OutcomeTask implements SerializableTask<@Nullable Object, @Nullable Object> {
  private static final long serialVersionUID = 1L;
  private final SerializableTask<@Nullable Object, ?> task;

  OutcomeTask(SerializableTask<@Nullable Object, ?> task) {
    this.task = task;
  }

  SerializableTask<@Nullable Object, ?> task() {
    return task;
  }

  @Override
  public @Nullable Object apply(@Nullable Object item) {
    long start = System.nanoTime();
    try {
      Object result = task.apply(item);
      if (result != null && !(result instanceof Serializable)) {
        return new Failed(
            ChunkTask.sendable(
                new java.io.NotSerializableException(
                    result.getClass().getName()
                        + ": the task returned a result that cannot be sent back to the caller;"
                        + " return Serializable values")),
            System.nanoTime() - start);
      }
      return result;
    } catch (Throwable e) { // a task's Error is its failure too; the member itself goes on
      return new Failed(ChunkTask.sendable(e), System.nanoTime() - start);
    }
  }

  /** An item's failure on a member: what the task threw, and how long the item ran. */
  record Failed(Throwable cause, long nanos) implements Serializable {
    private static final long serialVersionUID = 1L;
  }
}
