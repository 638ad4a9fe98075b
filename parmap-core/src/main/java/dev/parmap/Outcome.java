package dev.parmap;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What happened to one item: a {@link Success} with its result or a {@link Failure} with its cause.
 * Returned, one per item and in input order, by {@link Pool#mapOutcomes} and {@link
 * Pool#streamOutcomes}.
 *
 * @param <T> the type of the items
 * @param <R> the type of the results
 * @since 0.1
 */
public sealed interface Outcome<T extends @Nullable Object, R extends @Nullable Object>
    permits Outcome.Success, Outcome.Failure {

  /**
   * The item.
   *
   * @return the item, possibly {@code null}
   */
  T item();

  /**
   * The item's zero-based position in the input.
   *
   * @return the index
   */
  long index();

  /**
   * How many attempts ran: 1 unless the retry policy tried again; 0 for an item that never started
   * (the call's deadline passed first).
   *
   * @return the number of attempts
   */
  int attempts();

  /**
   * The time the item took: from the start of its first attempt (its first rate-limit wait
   * included) to the end of its last, backoff included; zero for an item the deadline cut short.
   *
   * @return the duration
   */
  Duration duration();

  /**
   * Whether this is a {@link Success}.
   *
   * @return {@code true} for a success
   */
  boolean isSuccess();

  /**
   * An item whose task returned.
   *
   * @param <T> the type of the items
   * @param <R> the type of the results
   * @param item the item
   * @param index its position in the input
   * @param attempts the attempts it took, the last one successful
   * @param duration the time from the first attempt's start to the success
   * @param result what the task returned, possibly {@code null}
   */
  record Success<T extends @Nullable Object, R extends @Nullable Object>(
      T item, long index, int attempts, Duration duration, R result) implements Outcome<T, R> {
    @Override
    public boolean isSuccess() {
      return true;
    }
  }

  /**
   * An item whose last attempt failed, or that the call's deadline cut short.
   *
   * @param <T> the type of the items
   * @param <R> the type of the results
   * @param item the item
   * @param index its position in the input
   * @param attempts the attempts that ran
   * @param duration the time from the first attempt's start to the end of the last one
   * @param cause what the last attempt threw; a {@link DeadlineExceededException} when the deadline
   *     passed first
   */
  record Failure<T extends @Nullable Object, R extends @Nullable Object>(
      T item, long index, int attempts, Duration duration, Throwable cause)
      implements Outcome<T, R> {
    @Override
    public boolean isSuccess() {
      return false;
    }
  }
}
