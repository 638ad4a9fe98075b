package dev.parmap.engine;

import org.jspecify.annotations.Nullable;

/**
 * The failure bookkeeping of one call: the first failure becomes the call's (its <em>primary</em>),
 * later ones are attached to it as suppressed exceptions, at most {@link #MAX_SUPPRESSED} of them.
 * Used by the call's driver only: not thread-safe.
 *
 * <p>A failure is recorded as a report (a {@code dev.parmap.ParmapException} naming the item, say)
 * and its cause. A {@link VirtualMachineError} cause other than {@link StackOverflowError} becomes
 * the primary itself, with the report attached, and is thrown as it is: the JVM may be in trouble.
 * An {@link Error} recorded with {@link #recordError} is thrown as it is too.
 *
 * <p>Failures after the call's end (of a listener's {@code onFinish}) are kept apart: attached to
 * the primary if the call failed, otherwise thrown by {@link #throwAfterEnd()}.
 */
final class Failures {
  /** Bound on the suppressed failures attached to the primary one. */
  static final int MAX_SUPPRESSED = 16;

  private @Nullable RuntimeException failure;
  private @Nullable Error fatal;
  private @Nullable RuntimeException afterEnd;

  /**
   * Records a failure.
   *
   * @param report what the call throws for it
   * @param cause what actually failed
   * @return whether it is the first one (the call must stop now)
   */
  boolean record(RuntimeException report, Throwable cause) {
    if (any()) {
      suppress(report);
      return false;
    }
    if (cause instanceof VirtualMachineError vm && !(cause instanceof StackOverflowError)) {
      fatal = vm;
      vm.addSuppressed(report);
    } else {
      failure = report;
    }
    return true;
  }

  /**
   * Records an {@link Error} that the call throws as it is.
   *
   * @return whether it is the first failure (the call must stop now)
   */
  boolean recordError(Error e) {
    if (any()) {
      suppress(e);
      return false;
    }
    fatal = e;
    return true;
  }

  private void suppress(Throwable later) {
    Throwable first = primary();
    if (first != null && first != later && first.getSuppressed().length < MAX_SUPPRESSED) {
      first.addSuppressed(later);
    }
  }

  /** Whether the call has failed. */
  boolean any() {
    return failure != null || fatal != null;
  }

  /** The call's failure: an {@link Error} to throw as it is, or the report; null if none. */
  @Nullable Throwable primary() {
    return fatal != null ? fatal : failure;
  }

  /** The error to throw as it is, if any. */
  @Nullable Error fatal() {
    return fatal;
  }

  /** The report to throw, if the call failed and no error is to be thrown instead. */
  @Nullable RuntimeException report() {
    return fatal != null ? null : failure;
  }

  /** Records a failure of a listener after the call ended. */
  void recordAfterEnd(RuntimeException e) {
    Throwable first = primary();
    if (first != null) {
      first.addSuppressed(e);
    } else if (afterEnd == null) {
      afterEnd = e;
    } else {
      afterEnd.addSuppressed(e);
    }
  }

  /** Throws what failed after the end of a call that otherwise succeeded, if anything. */
  void throwAfterEnd() {
    RuntimeException thrown = afterEnd;
    if (thrown != null) {
      throw thrown;
    }
  }

  /**
   * Throws the call's failure, if it has one: the report of tasks the call gave up on ({@code
   * stuck}, with the primary failure suppressed in it) first, then a fatal {@link Error}, then the
   * primary failure's report. Returns if there is none.
   */
  void throwIfFailed(@Nullable RuntimeException stuck) {
    Throwable first = primary();
    if (stuck != null) {
      if (first != null) {
        stuck.addSuppressed(first);
      }
      throw stuck;
    }
    Error error = fatal();
    if (error != null) {
      throw error;
    }
    RuntimeException report = report();
    if (report != null) {
      throw report;
    }
  }
}
