package dev.parmap.hazelcast;

import dev.parmap.ParmapException;
import org.jspecify.annotations.Nullable;

/**
 * The cluster could not run the call: no member was left to run the remaining chunks (they all
 * left, died or timed out), the cluster could not be reached, or the pool's own member or client
 * stopped. The message names the members given up on and why.
 *
 * <p>As for every {@link ParmapException}, the call has ended when this is thrown: the caller no
 * longer waits for any chunk (chunks still running on members that hang are abandoned).
 *
 * @since 0.1
 */
public final class ClusterFailedException extends ParmapException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, for a human reader
   * @param cause the underlying failure, or {@code null}
   */
  public ClusterFailedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
