package dev.parmap;

import java.util.List;

/**
 * The cause in the outcome of every item that a call did not finish because its {@linkplain
 * MapOptions#failureBudget() failure budget} was exceeded: the items running then (interrupted) and
 * the items not started. It says how many items had succeeded and failed when the call stopped; the
 * first failures are attached as suppressed exceptions.
 */
public final class FailureBudgetExceededException extends ParmapException {
  private static final long serialVersionUID = 1L;

  private final long succeeded;
  private final long failed;

  FailureBudgetExceededException(
      String what, String budget, long succeeded, long failed, List<Throwable> firstFailures) {
    super(
        what
            + " stopped: its failure budget ("
            + budget
            + ") was exceeded after "
            + failed
            + " failed and "
            + succeeded
            + " succeeded items; this item did not finish"
            + (firstFailures.isEmpty() ? "" : " (the first failures are attached)"),
        null);
    this.succeeded = succeeded;
    this.failed = failed;
    for (Throwable first : firstFailures) {
      addSuppressed(first);
    }
  }

  /**
   * How many items had succeeded when the call stopped.
   *
   * @return at least 0
   */
  public long succeeded() {
    return succeeded;
  }

  /**
   * How many items had failed when the call stopped (more than the budget allows).
   *
   * @return at least 1
   */
  public long failed() {
    return failed;
  }
}
