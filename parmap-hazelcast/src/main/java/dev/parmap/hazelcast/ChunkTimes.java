package dev.parmap.hazelcast;

import java.util.Arrays;

/**
 * The round trips of a call's recent chunks (sent to answered), and when a chunk still awaited is
 * so much slower than them that it is worth running a second time elsewhere: a hedged request (J.
 * Dean and L. A. Barroso, "The Tail at Scale", CACM 56(2), 2013), sent only for the chunk an
 * ordered call's consumer waits for. Not thread-safe: used under its call's lock.
 */
final class ChunkTimes {

  /** How many times the recent median round trip a head-of-line chunk may take before a hedge. */
  static final int HEDGE_FACTOR = 4;

  /** The least time before a hedge: below it, a second copy costs more than it may save. */
  static final long HEDGE_FLOOR_NANOS = 1_000_000_000L;

  /** The median round trip under which chunks queue on members behind the running ones. */
  static final long SHORT_CHUNK_NANOS = 500_000_000L;

  /** Round trips measured before a hedge is considered at all. */
  static final int MIN_SAMPLES = 4;

  private final long[] recent = new long[32];
  private int count; // measured, ever

  /** Records that a chunk's answer came {@code nanos} after it was sent. */
  void answered(long nanos) {
    recent[count % recent.length] = Math.max(0, nanos);
    count++;
  }

  /** The median of the recent round trips; -1 before any. */
  long median() {
    int n = Math.min(count, recent.length);
    if (n == 0) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(recent, n);
    Arrays.sort(sorted);
    return sorted[n / 2];
  }

  /**
   * Whether the recent chunks are short ({@value #MIN_SAMPLES} round trips measured, their median
   * under {@link #SHORT_CHUNK_NANOS}): then a member is sent a chunk to queue behind each one it
   * runs, which keeps its threads busy between chunks and costs a queued chunk at most a short
   * wait. Before that, or with slower chunks, a member is sent a chunk only for a free thread: a
   * chunk queued behind a long one (members do not take chunks in the order sent) would hold up an
   * ordered call for as long.
   */
  boolean chunksAreShort() {
    return count >= MIN_SAMPLES && median() < SHORT_CHUNK_NANOS;
  }

  /**
   * How long after it was sent a chunk still awaited is hedged: {@value #HEDGE_FACTOR} times the
   * recent median round trip, and at least {@link #HEDGE_FLOOR_NANOS}; {@link Long#MAX_VALUE}
   * (never) before {@value #MIN_SAMPLES} round trips were measured.
   */
  long hedgeAfterNanos() {
    if (count < MIN_SAMPLES) {
      return Long.MAX_VALUE;
    }
    return Math.max(HEDGE_FLOOR_NANOS, HEDGE_FACTOR * median());
  }
}
