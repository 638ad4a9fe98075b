package dev.parmap;

import java.time.Duration;
import java.util.List;

/**
 * A call's deadline ({@link MapOptions#deadline()}) passed before every item had finished. Before
 * this is thrown, no further item starts and the running ones have been interrupted and have ended.
 *
 * @since 0.1
 */
public final class DeadlineExceededException extends ParmapException {
  private static final long serialVersionUID = 1L;

  private final Duration deadline;
  private final long finished;
  private final transient List<Long> unfinished;

  DeadlineExceededException(
      String what, Duration deadline, long finished, List<Long> unfinished, long unfinishedCount) {
    super(
        what
            + " did not finish within its deadline of "
            + deadline
            + ": "
            + finished
            + " items finished; "
            + unfinishedCount
            + " read from the input did not"
            + (unfinished.isEmpty() ? "" : " (" + preview(unfinished) + ")")
            + " and were cancelled; the rest of the input was not read",
        null);
    this.deadline = deadline;
    this.finished = finished;
    this.unfinished = List.copyOf(unfinished);
  }

  /** The cause of an item that the deadline cut short (in an {@link Outcome.Failure}). */
  DeadlineExceededException(String what, Duration deadline) {
    super(what + ": its deadline of " + deadline + " passed before this item finished", null);
    this.deadline = deadline;
    this.finished = 0;
    this.unfinished = List.of();
  }

  private static String preview(List<Long> indexes) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(indexes.size(), 10); i++) {
      text.append(i == 0 ? "#" : ", #").append(indexes.get(i));
    }
    return indexes.size() > 10 ? text.append(", ...").toString() : text.toString();
  }

  /**
   * The deadline that passed.
   *
   * @return the deadline of the call
   */
  public Duration deadline() {
    return deadline;
  }

  /**
   * How many items finished (successfully) before the deadline.
   *
   * @return the count of finished items
   */
  public long finished() {
    return finished;
  }

  /**
   * The indexes of the items read from the input that did not finish: they were running (and were
   * interrupted) or waiting to start. At most the first 1,000 are listed.
   *
   * @return the indexes, in the order their chunks ended
   */
  public List<Long> unfinished() {
    return unfinished;
  }
}
