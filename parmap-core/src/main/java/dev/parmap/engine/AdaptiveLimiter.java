package dev.parmap.engine;

import dev.parmap.policy.AdaptiveConcurrency;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of an {@link AdaptiveConcurrency} limit: the current limit, the attempts in flight, and
 * the AIMD rule that moves the limit (see {@link AdaptiveConcurrency} for the algorithm and its
 * sources). Thread-safe: attempts acquire and release from any thread.
 *
 * <p>"At most once per round trip": after a decrease, further overload signals are ignored until as
 * many answers as the limit then allowed have come back, the answers to attempts started before the
 * decrease. The baseline latency is the fastest recent answer: the lowest latency seen, drifting up
 * by {@code 1/256} of itself per answer so that a server that became slower for good is learned.
 */
final class AdaptiveLimiter {
  private static final double BASELINE_DRIFT = 1.0 / 256;

  private final int min;
  private final int max;
  private final double backoffRatio;
  private final double latencyTolerance;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition room = lock.newCondition();

  // Guarded by lock.
  private double limit;
  private int inFlight;
  private boolean slowStart = true;
  private long answersToIgnore; // overload signals ignored until this many answers came back
  private double baselineNanos = Double.MAX_VALUE;

  AdaptiveLimiter(AdaptiveConcurrency settings) {
    this.min = settings.min();
    this.max = settings.max();
    this.backoffRatio = settings.backoffRatio();
    this.latencyTolerance = settings.latencyTolerance();
    this.limit = settings.initial();
  }

  /** Waits until one more attempt fits under the limit, and counts it in flight. */
  void acquire() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (inFlight >= (int) limit) {
        room.await();
      }
      inFlight++;
    } finally {
      lock.unlock();
    }
  }

  /** Counts one more attempt in flight if it fits under the limit now, without waiting. */
  boolean tryAcquire() {
    lock.lock();
    try {
      if (inFlight >= (int) limit) {
        return false;
      }
      inFlight++;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * An attempt ended after {@code latencyNanos}: an {@code overload} signal (a timeout, an answer
   * the user's classifier calls overload) moves the limit down; an answer in time moves it up.
   */
  void release(long latencyNanos, boolean overload) {
    lock.lock();
    try {
      inFlight--;
      boolean ignoring = answersToIgnore > 0; // an answer to an attempt started before a decrease
      if (ignoring) {
        answersToIgnore--;
      }
      boolean slow = false;
      if (!overload) {
        baselineNanos = Math.min(baselineNanos * (1 + BASELINE_DRIFT), latencyNanos);
        slow = latencyNanos > latencyTolerance * Math.max(baselineNanos, 1);
      }
      if (overload || slow) {
        if (!ignoring) {
          // Leaving slow start, the limit had doubled in the last round trip: halve it, as TCP
          // does (ssthresh); after that, the gentle backoff ratio.
          limit = Math.max(min, limit * (slowStart ? 0.5 : backoffRatio));
          slowStart = false;
          answersToIgnore = inFlight; // the attempts started under the old limit
        }
      } else if (slowStart) {
        limit = Math.min(max, limit + 1);
      } else {
        limit = Math.min(max, limit + 1 / limit);
      }
      // Wake only as many waiters as there is room for: with thousands of attempts waiting (a
      // call of slow items on virtual threads), waking them all on every answer would spend the
      // CPU the answers need, and slow answers count as overload.
      for (int free = (int) limit - inFlight; free > 0; free--) {
        room.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The current limit (for tests and statistics). */
  int limit() {
    lock.lock();
    try {
      return (int) limit;
    } finally {
      lock.unlock();
    }
  }
}
