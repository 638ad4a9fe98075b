package dev.parmap.hazelcast;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The alarms of one chunk running on a member, on the member's timer: the per-item timeout, which
 * interrupts the chunk's thread when an attempt runs longer than the timeout (counted from the
 * item's start: the time the chunk waited in the member's queue does not count), and the caller's
 * deadline, which interrupts it when the deadline passes and keeps further items from starting.
 *
 * <p>An alarm interrupts only the attempt it was set for (attempt ids, under this object's lock),
 * and the interrupt it caused is cleared when the attempt ends ({@link #endAttempt}) or the chunk
 * ends ({@link #close}), so that it never reaches the next task the executor's thread runs. As a
 * local call's {@code TimeoutPolicy} does with its chunk.
 */
final class ItemAlarms implements AutoCloseable {
  private final Thread thread = Thread.currentThread();
  private final @Nullable ScheduledExecutorService timer;
  private final long timeoutNanos;
  private final @Nullable ScheduledFuture<?> deadlineAlarm;

  // Guarded by this.
  private long attempt;
  private boolean timedOut;
  private boolean expired;
  private boolean closed;

  /**
   * Alarms for the chunk the current thread runs.
   *
   * @param timeoutNanos the per-item timeout, or -1 for none
   * @param deadlineNanos nanoseconds from now until the caller's deadline, or -1 for none
   */
  ItemAlarms(@Nullable ScheduledExecutorService timer, long timeoutNanos, long deadlineNanos) {
    this.timer = timer;
    this.timeoutNanos = timeoutNanos;
    if (deadlineNanos < 0 || timer == null) {
      this.deadlineAlarm = null;
    } else if (deadlineNanos == 0) {
      this.expired = true;
      this.deadlineAlarm = null;
    } else {
      this.deadlineAlarm = timer.schedule(this::expire, deadlineNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Whether the caller's deadline has passed: no item starts any more. */
  synchronized boolean expired() {
    return expired;
  }

  private synchronized void expire() {
    if (!closed) {
      expired = true;
      thread.interrupt();
    }
  }

  /** Starts an attempt; returns its timeout alarm, or null without a timeout. */
  @Nullable ScheduledFuture<?> beginAttempt() {
    long id;
    synchronized (this) {
      id = ++attempt;
    }
    ScheduledExecutorService t = timer;
    return timeoutNanos < 0 || t == null
        ? null
        : t.schedule(() -> timeOut(id), timeoutNanos, TimeUnit.NANOSECONDS);
  }

  private synchronized void timeOut(long id) {
    if (attempt == id && !expired) {
      timedOut = true;
      thread.interrupt();
    }
  }

  /**
   * Ends the current attempt: its alarm can no longer interrupt it.
   *
   * @return whether its timeout fired (the interrupt it caused is cleared)
   */
  boolean endAttempt(@Nullable ScheduledFuture<?> alarm) {
    if (alarm != null) {
      alarm.cancel(false);
    }
    synchronized (this) {
      attempt++;
      boolean fired = timedOut;
      timedOut = false;
      if (fired && !expired) {
        Thread.interrupted();
      }
      return fired;
    }
  }

  /** Ends the chunk: cancels the deadline's alarm and clears the interrupt it may have caused. */
  @Override
  public void close() {
    ScheduledFuture<?> alarm = deadlineAlarm;
    if (alarm != null) {
      alarm.cancel(false);
    }
    synchronized (this) {
      attempt++;
      closed = true;
      if (expired || timedOut) {
        Thread.interrupted();
      }
    }
  }
}
