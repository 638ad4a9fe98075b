package dev.parmap.engine;

import dev.parmap.policy.FailureBudget;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Counts a call's finished and failed items against its failure budget (calls that report outcomes
 * only), and keeps the first failures for the report. Driver only.
 */
final class FailureBudgetCount {
  /** How many of the first failures the report attaches. */
  static final int FIRST_FAILURES = 3;

  private final FailureBudget budget;
  private final List<Throwable> firstFailures = new ArrayList<>(FIRST_FAILURES);
  private long finished;
  private long failed;

  FailureBudgetCount(FailureBudget budget) {
    this.budget = budget;
  }

  /** The count of {@code budget}, or null for a call without one. */
  static @Nullable FailureBudgetCount of(@Nullable FailureBudget budget) {
    return budget == null ? null : new FailureBudgetCount(budget);
  }

  /**
   * Counts the items a completed chunk ran; if the budget is now exceeded, cuts the call off as a
   * passed deadline does ({@link Deadline#cut}), the report the cause of the items it did not
   * finish.
   *
   * @return whether the call was cut off now
   */
  boolean cutsOff(Chunk chunk, Deadline deadline, String what, PublicTypes types) {
    if (!count(chunk) || deadline.passed() != null) {
      return false;
    }
    deadline.cut(report(what, types));
    return true;
  }

  /**
   * Counts the items a completed chunk ran.
   *
   * @return whether the budget is now exceeded
   */
  boolean count(Chunk chunk) {
    finished += chunk.done;
    failed += chunk.failedItems;
    List<Throwable> seen = chunk.firstFailures;
    if (seen != null) {
      for (Throwable failure : seen) {
        if (firstFailures.size() < FIRST_FAILURES) {
          firstFailures.add(failure);
        }
      }
    }
    if (budget.failuresAllowed().isPresent()) {
      return failed > budget.failuresAllowed().getAsInt();
    }
    return finished >= budget.minItems() && failed > budget.ratioAllowed().orElse(0) * finished;
  }

  /** The cause of the items the call did not finish: the counts when the budget was exceeded. */
  RuntimeException report(String what, PublicTypes types) {
    return types.failureBudgetExceeded(
        what, budget.toString(), finished - failed, failed, List.copyOf(firstFailures));
  }
}
