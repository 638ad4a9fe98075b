package dev.parmap;

import dev.parmap.engine.PublicTypes;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The public types of this package, as the engine hands them to users of {@link Pool}. */
final class CoreTypes implements PublicTypes {
  static final CoreTypes INSTANCE = new CoreTypes();

  private CoreTypes() {}

  @Override
  public RuntimeException taskFailed(long index, @Nullable Object item, List<Throwable> attempts) {
    return new TaskFailedException(index, item, attempts);
  }

  @Override
  public RuntimeException inputFailed(long index, Throwable cause) {
    return new InputFailedException(index, cause);
  }

  @Override
  public RuntimeException callFailed(String message, @Nullable Throwable cause) {
    return new ParmapException(message, cause);
  }

  @Override
  public RuntimeException interrupted(String what, InterruptedException cause) {
    return new CallInterruptedException(what, cause);
  }

  @Override
  public RuntimeException deadlineExceeded(
      String what, Duration deadline, long finished, List<Long> unfinished, long unfinishedCount) {
    return new DeadlineExceededException(what, deadline, finished, unfinished, unfinishedCount);
  }

  @Override
  public RuntimeException deadlineCut(String what, Duration deadline) {
    return new DeadlineExceededException(what, deadline);
  }

  @Override
  public RuntimeException failureBudgetExceeded(
      String what, String budget, long succeeded, long failed, List<Throwable> firstFailures) {
    return new FailureBudgetExceededException(what, budget, succeeded, failed, firstFailures);
  }

  @Override
  @SuppressWarnings("unchecked") // outcomes made by success() and failure() below
  public Object outcomes(List<?> all, boolean complete) {
    return new Outcomes<>((List<Outcome<Object, Object>>) all, complete);
  }

  @Override
  public Object success(
      @Nullable Object item, long index, int attempts, Duration took, @Nullable Object value) {
    return new Outcome.Success<>(item, index, attempts, took, value);
  }

  @Override
  public Object failure(
      @Nullable Object item, long index, int attempts, Duration took, Throwable cause) {
    return new Outcome.Failure<>(item, index, attempts, took, cause);
  }
}
