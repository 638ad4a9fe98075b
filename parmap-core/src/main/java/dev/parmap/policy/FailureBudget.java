package dev.parmap.policy;

import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * How many failed items a call that reports outcomes tolerates before it stops: between failing
 * fast and collecting every failure. When the server is down, a call with a budget learns it after
 * a few failures instead of spending every item's every attempt.
 *
 * <pre>{@code
 * FailureBudget.maxFailures(50)        // stop once more than 50 items failed
 * FailureBudget.maxRatio(0.2, 100)     // stop once more than 20% failed, after 100 items
 * }</pre>
 *
 * <p>It applies to the calls that report {@code Outcome}s ({@code mapOutcomes}, {@code
 * streamOutcomes}, {@code streamOutcomesUnordered}); the other calls fail at their first failure
 * whatever the budget. An item counts once it has finished for good (after its retries). When the
 * budget is exceeded the call stops as a passed deadline stops it: running items are interrupted,
 * no item starts any more, and every item read (for a collection: every item) that did not finish
 * has a failure whose cause is a {@code FailureBudgetExceededException} saying how many succeeded
 * and failed by then, with the first failures attached.
 *
 * <p>An immutable value: equal when the kind and the figures are; {@link #toString()} reads, for
 * example, {@code FailureBudget[more than 50 failures]}.
 *
 * @since 0.2
 */
public final class FailureBudget {
  private final int maxFailures; // -1: a ratio budget
  private final double maxRatio;
  private final int minItems;

  private FailureBudget(int maxFailures, double maxRatio, int minItems) {
    this.maxFailures = maxFailures;
    this.maxRatio = maxRatio;
    this.minItems = minItems;
  }

  /**
   * Stops the call once more than {@code maxFailures} items have failed.
   *
   * @param maxFailures the failures tolerated, at least 0 (0: stop at the first)
   * @return the budget
   * @throws IllegalArgumentException if {@code maxFailures < 0}
   */
  public static FailureBudget maxFailures(int maxFailures) {
    if (maxFailures < 0) {
      throw new IllegalArgumentException("maxFailures must be at least 0, but was " + maxFailures);
    }
    return new FailureBudget(maxFailures, 0, 0);
  }

  /**
   * Stops the call once more than {@code maxRatio} of its finished items have failed, counted from
   * the moment {@code minItems} items have finished (so that the first failure of a call does not
   * stop it).
   *
   * @param maxRatio the share of failures tolerated, in [0, 1)
   * @param minItems the items that must have finished before the ratio counts, at least 1
   * @return the budget
   * @throws IllegalArgumentException if {@code maxRatio} is not in [0, 1) or {@code minItems < 1}
   */
  public static FailureBudget maxRatio(double maxRatio, int minItems) {
    if (!(maxRatio >= 0 && maxRatio < 1)) {
      throw new IllegalArgumentException(
          "maxRatio must be at least 0 and less than 1, but was " + maxRatio);
    }
    if (minItems < 1) {
      throw new IllegalArgumentException("minItems must be at least 1, but was " + minItems);
    }
    return new FailureBudget(-1, maxRatio, minItems);
  }

  /**
   * The failures tolerated, for a budget made by {@link #maxFailures(int)}.
   *
   * @return the count, or empty for a ratio budget
   */
  public OptionalInt failuresAllowed() {
    return maxFailures >= 0 ? OptionalInt.of(maxFailures) : OptionalInt.empty();
  }

  /**
   * The share of failures tolerated, for a budget made by {@link #maxRatio(double, int)}.
   *
   * @return the ratio, or empty for a count budget
   */
  public OptionalDouble ratioAllowed() {
    return maxFailures >= 0 ? OptionalDouble.empty() : OptionalDouble.of(maxRatio);
  }

  /**
   * The items that must have finished before a ratio budget counts.
   *
   * @return at least 1 for a ratio budget; 0 for a count budget
   */
  public int minItems() {
    return minItems;
  }

  /**
   * Whether {@code other} is a budget of the same kind and figures.
   *
   * @param other the object to compare with
   * @return whether the two are equal
   */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof FailureBudget that
        && maxFailures == that.maxFailures
        && Double.compare(maxRatio, that.maxRatio) == 0
        && minItems == that.minItems;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * maxFailures + Double.hashCode(maxRatio)) + minItems;
  }

  /**
   * The budget in words, for example {@code FailureBudget[more than 50 failures]} or {@code
   * FailureBudget[more than 20.0% failures after 100 items]}.
   *
   * @return a description of this budget
   */
  @Override
  public String toString() {
    return maxFailures >= 0
        ? "FailureBudget[more than " + maxFailures + " failures]"
        : "FailureBudget[more than " + 100 * maxRatio + "% failures after " + minItems + " items]";
  }
}
