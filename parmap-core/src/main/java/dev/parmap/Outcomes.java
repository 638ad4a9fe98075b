package dev.parmap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One {@link Outcome} per item, in input order, from {@link Pool#mapOutcomes}: the result of a call
 * that does not fail fast. Immutable.
 *
 * @param <T> the type of the items
 * @param <R> the type of the results
 * @since 0.1
 */
public final class Outcomes<T extends @Nullable Object, R extends @Nullable Object> {
  private final List<Outcome<T, R>> all;
  private final boolean complete;

  Outcomes(List<Outcome<T, R>> all, boolean complete) {
    this.all = Collections.unmodifiableList(all);
    this.complete = complete;
  }

  /**
   * Whether there is an outcome for every item of the input. Always, except when the call's
   * deadline passed before an input that is not a {@link java.util.Collection} had been read to its
   * end: its remaining items were never read, so they have no outcome.
   *
   * @return {@code false} if items of the input are missing
   */
  public boolean isComplete() {
    return complete;
  }

  /**
   * Every outcome, in input order.
   *
   * @return one outcome per item read from the input
   */
  public List<Outcome<T, R>> all() {
    return all;
  }

  /**
   * The successes, in input order.
   *
   * @return the successful outcomes
   */
  public List<Outcome.Success<T, R>> successes() {
    List<Outcome.Success<T, R>> successes = new ArrayList<>();
    for (Outcome<T, R> outcome : all) {
      if (outcome instanceof Outcome.Success<T, R> success) {
        successes.add(success);
      }
    }
    return Collections.unmodifiableList(successes);
  }

  /**
   * The failures, in input order.
   *
   * @return the failed outcomes
   */
  public List<Outcome.Failure<T, R>> failures() {
    List<Outcome.Failure<T, R>> failures = new ArrayList<>();
    for (Outcome<T, R> outcome : all) {
      if (outcome instanceof Outcome.Failure<T, R> failure) {
        failures.add(failure);
      }
    }
    return Collections.unmodifiableList(failures);
  }

  /**
   * Whether every item succeeded.
   *
   * @return {@code true} if there is no failure and the outcomes are {@linkplain #isComplete()
   *     complete}
   */
  public boolean allSucceeded() {
    if (!complete) {
      return false;
    }
    for (Outcome<T, R> outcome : all) {
      if (!outcome.isSuccess()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The results in input order, if every item succeeded.
   *
   * @return the results, as {@link Pool#map} would have returned them
   * @throws TaskFailedException for the first failed item, with the other failures attached as
   *     suppressed (at most 16)
   * @throws IllegalStateException if no item failed but the outcomes are not {@linkplain
   *     #isComplete() complete}
   */
  public List<R> resultsOrThrow() {
    List<R> results = new ArrayList<>(all.size());
    TaskFailedException first = null;
    for (Outcome<T, R> outcome : all) {
      switch (outcome) {
        case Outcome.Success<T, R> success -> results.add(success.result());
        case Outcome.Failure<T, R> failure -> {
          TaskFailedException report =
              new TaskFailedException(failure.index(), failure.item(), failure.cause());
          if (first == null) {
            first = report;
          } else if (first.getSuppressed().length < 16) {
            first.addSuppressed(report);
          }
        }
      }
    }
    if (first != null) {
      throw first;
    }
    if (!complete) {
      throw new IllegalStateException(
          "the call's deadline passed before the whole input was read: "
              + all.size()
              + " items have outcomes, the rest of the input has none");
    }
    return Collections.unmodifiableList(results);
  }

  @Override
  public String toString() {
    long failed = all.stream().filter(o -> !o.isSuccess()).count();
    return "Outcomes["
        + all.size()
        + " items, "
        + (all.size() - failed)
        + " succeeded, "
        + failed
        + " failed"
        + (complete ? "" : ", incomplete: the deadline passed before the input's end")
        + "]";
  }
}
