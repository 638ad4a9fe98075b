package dev.parmap;

/**
 * The calling thread was interrupted while it waited for a parallel call.
 *
 * <p>Before this is thrown, the call's running tasks have been interrupted and have ended, and the
 * calling thread's interrupt flag has been set again, so code further up still sees the
 * interruption. The {@linkplain #getCause() cause} is the {@link InterruptedException} that woke
 * the caller.
 *
 * @since 0.1
 */
public final class CallInterruptedException extends ParmapException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception for a call that was interrupted while it waited.
   *
   * @param what which call, e.g. {@code "Pool.map"}
   * @param cause the interruption
   */
  public CallInterruptedException(String what, InterruptedException cause) {
    super(
        what
            + " was interrupted while waiting; its running tasks were interrupted and have"
            + " ended, and the thread's interrupt flag is set",
        cause);
  }
}
