package dev.parmap.engine;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The wording of a call's own failures (not of its items'): each says what happened, to which call,
 * and what to do, in the front end's public types.
 */
final class CallReports {
  /** The largest list parmap can return (the usual JDK limit for array sizes). */
  static final long MAX_LIST_SIZE = Integer.MAX_VALUE - 8;

  private final String what;
  private final PublicTypes types;

  CallReports(String what, PublicTypes types) {
    this.what = what;
    this.types = types;
  }

  /** The call, e.g. {@code Pool.map}. */
  String what() {
    return what;
  }

  /** A list call whose input has more items than a list can hold. */
  RuntimeException tooManyResults() {
    return types.callFailed(
        what
            + " cannot return more than "
            + MAX_LIST_SIZE
            + " results in a list; use Pool.stream or Pool.forEach for inputs this large",
        null);
  }

  /** The pool could not start a chunk: it rejected it, or no thread could be created. */
  RuntimeException couldNotStart(String pool, Throwable e) {
    return types.callFailed(what + " could not start a task on " + pool + ": " + e, e);
  }

  /** The item that failed the call fast, with the failures of its attempts. */
  RuntimeException taskFailed(long index, @Nullable Object item, List<Throwable> attempts) {
    return types.taskFailed(index, item, attempts);
  }

  /** The input threw while item {@code index} was read. */
  RuntimeException inputFailed(Input.Failed e) {
    Throwable cause = e.getCause();
    return types.inputFailed(e.index, cause != null ? cause : e);
  }

  /** The work around a chunk's items failed: a context scope's close, or parmap's own. */
  RuntimeException machineryFailed(Chunk chunk, Throwable broken) {
    RuntimeException own = chunk.callFailure;
    if (own != null) {
      return own; // a chunk runner's report of the call's own failure, as it is
    }
    return types.callFailed(
        what
            + ": the work around the items #"
            + chunk.firstIndex
            + "-#"
            + (chunk.firstIndex + chunk.size - 1)
            + " failed (a context propagator's scope threw on close, or parmap's own"
            + " bookkeeping failed): "
            + broken,
        broken);
  }

  /** A per-worker resource threw when closed at the end of the call. */
  RuntimeException resourceNotClosed(Throwable cause) {
    return types.callFailed(what + ": a worker resource threw when closed: " + cause, cause);
  }

  /**
   * Tasks that ignored interruption for the whole grace period: the call gives up on them. Java
   * cannot stop a thread; the report shows where each one is stuck.
   */
  RuntimeException stuck(Duration grace, Dispatch dispatch) {
    RuntimeException report =
        types.callFailed(
            what
                + " gave up waiting for tasks that ignore interruption: after "
                + grace
                + " they are still running (their threads are left behind; see the suppressed"
                + " exceptions for where each one is)",
            null);
    dispatch.describeRunning(report);
    return report;
  }

  /** The call was stopped without a failure of its own: cancelled, or for {@code reason}. */
  RuntimeException stopped(@Nullable String reason) {
    return types.callFailed(
        what + " was stopped: " + (reason != null ? reason : "it was cancelled"), null);
  }

  /** The calling thread was interrupted while it waited. */
  RuntimeException interrupted(InterruptedException e) {
    return types.interrupted(what, e);
  }

  /** Where a task the call gave up on is: its item, its thread, and that thread's stack. */
  static final class StillRunning extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StillRunning(String message) {
      super(message, null, false, true);
    }
  }
}
