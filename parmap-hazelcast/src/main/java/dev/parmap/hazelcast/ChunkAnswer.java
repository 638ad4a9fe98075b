package dev.parmap.hazelcast;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a member answered for the items it was sent (a chunk, or one item sent again to retry it):
 * each item's result or failure, in order, how long they ran there, and how many attempts the
 * member's timeout interrupted. A member that stopped at a failure (a call that fails fast and does
 * not retry) answers for the items up to it, and their results are not sent back.
 */
final class ChunkAnswer {
  private final @Nullable Object[] values;
  private final @Nullable Throwable[] failures;
  private final long[] nanos;
  private final int stoppedAt;

  /** How long the items ran on the member, in all. */
  final long totalNanos;

  /** Attempts the member's per-item timeout interrupted. */
  final int timeouts;

  private ChunkAnswer(
      @Nullable Object[] values,
      @Nullable Throwable[] failures,
      long[] nanos,
      int stoppedAt,
      long totalNanos,
      int timeouts) {
    this.values = values;
    this.failures = failures;
    this.nanos = nanos;
    this.stoppedAt = stoppedAt;
    this.totalNanos = totalNanos;
    this.timeouts = timeouts;
  }

  /** Every item answered: a {@link FailedItem} among {@code results} is that item's failure. */
  static ChunkAnswer of(@Nullable Object[] results, long totalNanos, int timeouts) {
    @Nullable Throwable[] failures = new Throwable[results.length];
    long[] nanos = new long[results.length];
    long each = totalNanos / Math.max(1, results.length);
    @Nullable Object[] values = results.clone();
    for (int i = 0; i < results.length; i++) {
      nanos[i] = each;
      if (results[i] instanceof FailedItem failed) {
        failures[i] = failed.cause();
        nanos[i] = failed.nanos();
        values[i] = null;
      }
    }
    return new ChunkAnswer(values, failures, nanos, -1, totalNanos, timeouts);
  }

  /** The member stopped at item {@code failedAt}, which failed with {@code cause}. */
  static ChunkAnswer stoppedAt(
      int size, int failedAt, Throwable cause, long totalNanos, int timeouts) {
    @Nullable Throwable[] failures = new Throwable[size];
    failures[failedAt] = cause;
    long[] nanos = new long[size];
    nanos[failedAt] = totalNanos;
    return new ChunkAnswer(new Object[size], failures, nanos, failedAt, totalNanos, timeouts);
  }

  /** Every item failed, each with its own cause. */
  static ChunkAnswer allFailed(@Nullable Throwable[] causes, long totalNanos, int timeouts) {
    long[] nanos = new long[causes.length];
    java.util.Arrays.fill(nanos, totalNanos / Math.max(1, causes.length));
    return new ChunkAnswer(
        new Object[causes.length], causes.clone(), nanos, -1, totalNanos, timeouts);
  }

  /** The item at which the member stopped (its results before it not sent back), or -1. */
  int stoppedAt() {
    return stoppedAt;
  }

  int size() {
    return values.length;
  }

  /** What item {@code i} failed with, or null if it succeeded. */
  @Nullable Throwable failure(int i) {
    return failures[i];
  }

  @Nullable Object value(int i) {
    return values[i];
  }

  Duration took(int i) {
    return Duration.ofNanos(nanos[i]);
  }

  long nanos(int i) {
    return nanos[i];
  }
}
