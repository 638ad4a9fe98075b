package dev.parmap;

import org.jspecify.annotations.Nullable;

/**
 * The unchecked exception that parmap throws when a parallel call cannot complete normally.
 *
 * <p>The specific subclasses say why:
 *
 * <ul>
 *   <li>{@link TaskFailedException}: a task threw for one item;
 *   <li>{@link InputFailedException}: reading the next item from the input threw;
 *   <li>{@link CallInterruptedException}: the calling thread was interrupted while it waited.
 * </ul>
 *
 * <p>Whatever the subclass, when it is thrown the call has ended: every task the call started has
 * finished, and no thread started for it is still running.
 *
 * @since 0.1
 */
public class ParmapException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and an optional cause.
   *
   * @param message what went wrong, for a human reader
   * @param cause the underlying failure, or {@code null}
   */
  public ParmapException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
