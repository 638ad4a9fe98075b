package dev.parmap.engine;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The public types the engine hands to users, made by the front end: the engine names what
 * happened, the front end gives it the type its Javadoc promises. Part of a call's {@link
 * PoolContext}, so that the engine never depends on the public package that depends on it.
 */
public interface PublicTypes {

  /**
   * The failure of a call whose task failed on one item.
   *
   * @param index the item's index in the input
   * @param item the item (or null if it is not known any more)
   * @param attempts the failures of its attempts, in order, the last one the cause
   * @return the exception to throw from the call
   */
  RuntimeException taskFailed(long index, @Nullable Object item, List<Throwable> attempts);

  /**
   * The failure of a call whose input's iterator (or list) threw.
   *
   * @param index the index of the item being read
   * @param cause what the input threw
   * @return the exception to throw from the call
   */
  RuntimeException inputFailed(long index, Throwable cause);

  /**
   * A failure of the call itself (not of one item): a listener, a context propagator, a rejected
   * launch, a stuck task, a cancellation.
   *
   * @param message what happened and what to do
   * @param cause the cause, if any
   * @return the exception to throw from the call
   */
  RuntimeException callFailed(String message, @Nullable Throwable cause);

  /**
   * The failure of a call whose calling thread was interrupted while it waited.
   *
   * @param what the call, e.g. {@code Pool.map}
   * @param cause the interruption
   * @return the exception to throw from the call
   */
  RuntimeException interrupted(String what, InterruptedException cause);

  /**
   * The failure of a call whose deadline passed.
   *
   * @param what the call, e.g. {@code Pool.map}
   * @param deadline the call's deadline
   * @param finished how many items finished in time
   * @param unfinished the indexes of items read and cut short (the first ones, at most)
   * @param unfinishedCount how many items were read and cut short
   * @return the exception to throw from the call
   */
  RuntimeException deadlineExceeded(
      String what, Duration deadline, long finished, List<Long> unfinished, long unfinishedCount);

  /**
   * The cause in the outcome of an item that the deadline cut short.
   *
   * @param what the call, e.g. {@code Pool.mapOutcomes}
   * @param deadline the call's deadline
   * @return the cause
   */
  RuntimeException deadlineCut(String what, Duration deadline);

  /**
   * The cause in the outcome of the items a call did not finish because its failure budget was
   * exceeded.
   *
   * @param what the call, e.g. {@code Pool.mapOutcomes}
   * @param budget the budget, in words
   * @param succeeded how many items had succeeded then
   * @param failed how many items had failed then
   * @param firstFailures the causes of the first failed items
   * @return the cause
   */
  RuntimeException failureBudgetExceeded(
      String what, String budget, long succeeded, long failed, List<Throwable> firstFailures);

  /**
   * The outcome of an item whose task succeeded.
   *
   * @param item the item
   * @param index its index in the input
   * @param attempts how many attempts it took
   * @param took how long its attempts took, waits included
   * @param value the task's result
   * @return the outcome to hand over
   */
  Object success(
      @Nullable Object item, long index, int attempts, Duration took, @Nullable Object value);

  /**
   * The outcome of an item whose task failed (or that the deadline cut short).
   *
   * @param item the item
   * @param index its index in the input
   * @param attempts how many attempts it took (0 if it never started)
   * @param took how long its attempts took, waits included
   * @param cause the last failure
   * @return the outcome to hand over
   */
  Object failure(@Nullable Object item, long index, int attempts, Duration took, Throwable cause);

  /**
   * The result of a call that reports outcomes as a list (in core, {@code Outcomes}), for a front
   * end in another module that cannot make it itself.
   *
   * @param all the outcomes, one per item, in input order (made by {@link #success} and {@link
   *     #failure})
   * @param complete whether every item of the input is accounted for ({@code Run.complete()})
   * @return the value the front end's call returns
   */
  Object outcomes(List<?> all, boolean complete);
}
