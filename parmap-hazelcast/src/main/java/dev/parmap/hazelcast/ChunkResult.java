package dev.parmap.hazelcast;

import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * What a member sends back for a chunk: the results in item order, or the first failure and the
 * position in the chunk of the item that failed. A task's exception travels as a value (not as the
 * failure of Hazelcast's future) so that its class, message and position arrive intact.
 */
final class ChunkResult implements Serializable {
  private static final long serialVersionUID = 1L;

  /** {@link #failedAt} when the chunk did not fail. */
  static final int NO_FAILURE = -1;

  /** {@link #failedAt} when the chunk was cancelled on the member: no result, no failure. */
  static final int CANCELLED = -2;

  @SuppressWarnings("serial") // results are checked to be Serializable on the member
  final @Nullable Object[] results;

  final int failedAt;
  final @Nullable Throwable failure;

  /** Nanoseconds the member spent running the chunk's items: the caller sizes chunks with it. */
  final long nanos;

  private ChunkResult(
      @Nullable Object[] results, int failedAt, @Nullable Throwable failure, long nanos) {
    this.results = results;
    this.failedAt = failedAt;
    this.failure = failure;
    this.nanos = nanos;
  }

  static ChunkResult success(@Nullable Object[] results, long nanos) {
    return new ChunkResult(results, NO_FAILURE, null, nanos);
  }

  static ChunkResult failure(int failedAt, Throwable failure, long nanos) {
    return new ChunkResult(new Object[0], failedAt, failure, nanos);
  }

  static ChunkResult cancelled() {
    return new ChunkResult(new Object[0], CANCELLED, null, 0);
  }
}
