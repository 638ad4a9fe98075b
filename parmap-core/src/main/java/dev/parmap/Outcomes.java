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
 */
public final class Outcomes<T extends @Nullable Object, R extends @Nullable Object> {
  private final List<Outcome<T, R>> all;

  Outcomes(List<Outcome<T, R>> all) {
    this.all = Collections.unmodifiableList(all);
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
   * @return {@code true} if there is no failure
   */
  public boolean allSucceeded() {
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
        + " failed]";
  }
}
