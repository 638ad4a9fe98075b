package dev.parmap;

import dev.parmap.engine.Items;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A task threw for one item, so the call failed fast.
 *
 * <p>The message names the item's index and a short form of the item; {@link #getCause()} is
 * exactly the exception the task threw (never wrapped again). Failures of other items that happened
 * independently before the call stopped are attached as {@linkplain #getSuppressed() suppressed}
 * exceptions (each a {@code TaskFailedException} itself, at most 16); interruptions caused by
 * parmap stopping the remaining tasks are not.
 *
 * @since 0.1
 */
public final class TaskFailedException extends ParmapException {
  private static final long serialVersionUID = 1L;

  private final long index;
  private final transient @Nullable Object item;
  private final transient List<Throwable> attemptFailures;

  /**
   * Creates the exception for the item at {@code index}.
   *
   * @param index the zero-based position of the item in the input
   * @param item the item the task failed on, possibly {@code null}
   * @param cause what the task threw
   */
  public TaskFailedException(long index, @Nullable Object item, Throwable cause) {
    super(
        "task failed on item #"
            + index
            + " ("
            + Items.describe(item)
            + "): "
            + java.util.Objects.requireNonNull(cause, "cause must not be null"),
        cause);
    this.index = index;
    this.item = item;
    this.attemptFailures = List.of(cause);
  }

  /**
   * For an item that was attempted several times: {@code failures} in attempt order, last = cause.
   */
  TaskFailedException(long index, @Nullable Object item, List<Throwable> failures) {
    super(
        "task failed on item #"
            + index
            + " ("
            + Items.describe(item)
            + ")"
            + (failures.size() > 1 ? " after " + failures.size() + " attempts" : "")
            + ": "
            + failures.get(failures.size() - 1),
        failures.get(failures.size() - 1));
    this.index = index;
    this.item = item;
    this.attemptFailures = List.copyOf(failures);
  }

  /**
   * How many times the item was attempted: 1 unless a {@link dev.parmap.policy.Retry} policy tried
   * again.
   *
   * @return the number of attempts, at least 1
   */
  public int attempts() {
    return attemptFailures.size();
  }

  /**
   * What each attempt threw, in order; the last one is {@link #getCause()}.
   *
   * @return one failure per attempt
   */
  public List<Throwable> attemptFailures() {
    return attemptFailures;
  }

  /**
   * Returns the zero-based position of the failed item in the input.
   *
   * @return the index of the item
   */
  public long index() {
    return index;
  }

  /**
   * Returns the item the task failed on.
   *
   * @return the item, possibly {@code null}
   */
  public @Nullable Object item() {
    return item;
  }

  @Override
  public synchronized Throwable getCause() {
    Throwable cause = super.getCause();
    if (cause == null) {
      throw new AssertionError("a TaskFailedException always has a cause");
    }
    return cause;
  }
}
