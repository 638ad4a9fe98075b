package dev.parmap.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A call's deadline: when it passes, whether it has, which items it kept from finishing, and the
 * report the call throws. A call without a deadline has one that never passes.
 *
 * <p>The deadline is noticed by whichever thread sees it first: the driver checking the clock, or
 * the {@link DeadlineWatch} that sleeps until it (started with {@link #watch}, so that running
 * items are interrupted on time while the driver is busy). {@link #pass()}, {@link #passed()} and
 * {@link #endWatch()} are safe from any thread; the rest is for the driver only.
 */
final class Deadline {
  /** Bound on the indexes a deadline report lists. */
  static final int MAX_REPORTED_UNFINISHED = 1000;

  private final String what;
  private final PublicTypes types;
  private final @Nullable Duration duration;
  private final long at; // System.nanoTime(); meaningless without a duration
  private volatile @Nullable RuntimeException passed; // the items' cause
  private volatile @Nullable DeadlineWatch watch;
  private volatile boolean cutEarly; // ended by the failure budget, not by time

  // Driver only.
  private final List<Long> unfinished = new ArrayList<>(); // the first ones
  private long unfinishedCount;

  /**
   * @param duration the deadline, counted from {@code startNanos}; {@code null} for none
   */
  Deadline(String what, PublicTypes types, @Nullable Duration duration, long startNanos) {
    this.what = what;
    this.types = types;
    this.duration = duration;
    this.at =
        duration == null
            ? 0
            : Durations.saturatedAdd(startNanos, Durations.saturatedNanos(duration));
  }

  /** Whether the call has a deadline. */
  boolean exists() {
    return duration != null;
  }

  /**
   * Starts the watch (driver, once): when the deadline passes, {@code onPassed} runs on the watch's
   * thread, after the deadline was recorded as passed.
   */
  void watch(String threadName, Runnable onPassed) {
    if (duration != null && watch == null) {
      watch =
          DeadlineWatch.start(
              threadName,
              at,
              () -> {
                pass();
                onPassed.run();
              });
    }
  }

  /** Ends the watch, if any, and waits until its thread has terminated. */
  void endWatch() {
    DeadlineWatch running = watch;
    if (running != null) {
      running.end();
    }
  }

  /**
   * Checks the clock: records the deadline as passed if it has.
   *
   * @return whether it has passed (now or before)
   */
  boolean check() {
    if (passed != null) {
      return true;
    }
    if (duration != null && System.nanoTime() - at >= 0) {
      pass();
      return true;
    }
    return false;
  }

  /** Nanoseconds left until the deadline ({@code <= 0}: passed); -1 if there is none. */
  long nanosLeft() {
    if (duration == null) {
      return -1;
    }
    return Math.max(0, at - System.nanoTime());
  }

  /** Records that the deadline has passed. */
  void pass() {
    Duration d = duration;
    if (d == null) {
      throw new IllegalStateException("a call without a deadline cannot pass it");
    }
    synchronized (this) {
      if (passed == null) {
        passed = types.deadlineCut(what, d);
      }
    }
  }

  /**
   * Ends the call early for another reason than time, its failure budget (driver): from now on the
   * deadline counts as passed, and {@code cause} is the cause of the items it cuts short.
   */
  void cut(RuntimeException cause) {
    synchronized (this) {
      if (passed == null) {
        passed = cause;
        cutEarly = true;
      }
    }
  }

  /** Whether the call was cut by {@link #cut}, not by time. */
  boolean wasCutEarly() {
    return cutEarly;
  }

  /** The cause of the items it cut short, once the deadline has passed; otherwise null. */
  @Nullable RuntimeException passed() {
    return passed;
  }

  /** Forgets that the deadline passed: it was noticed only after the last item had finished. */
  void forget() {
    passed = null;
  }

  /**
   * Records the items of a completed chunk that the deadline kept from finishing; with outcomes,
   * fills their slots with failures whose cause is the deadline, so that the chunk counts as done.
   */
  void cutShort(Chunk chunk, boolean outcomes) {
    RuntimeException cut = passed;
    int own = chunk.ownSize(); // the items handed on to children are theirs to report
    if (cut == null || chunk.done >= own) {
      return;
    }
    @Nullable Object[] out = outcomes ? chunk.results : null;
    for (int k = chunk.done; k < own; k++) {
      long index = chunk.firstIndex + k;
      if (unfinished.size() < MAX_REPORTED_UNFINISHED) {
        unfinished.add(index);
      }
      unfinishedCount++;
      if (out != null) {
        int attemptsRun = k == chunk.done ? chunk.cutAttempts : 0;
        out[chunk.resultOffset + k] =
            types.failure(chunk.item(k), index, attemptsRun, Duration.ZERO, cut);
      }
    }
    if (out != null) {
      chunk.done = own;
    }
  }

  /** The number of items the deadline kept from finishing. */
  long unfinishedCount() {
    return unfinishedCount;
  }

  /** What the call throws: how many items finished, and which did not. */
  RuntimeException report(long finishedItems) {
    Duration d = duration;
    if (d == null) {
      throw new IllegalStateException("a call without a deadline has no deadline report");
    }
    return types.deadlineExceeded(what, d, finishedItems, unfinished, unfinishedCount);
  }
}
