package dev.parmap.gatherers;

import dev.parmap.CallInterruptedException;
import dev.parmap.ParmapException;
import dev.parmap.Task;
import dev.parmap.TaskFailedException;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Gatherer.Downstream;
import org.jspecify.annotations.Nullable;

/**
 * The state of one evaluation of a {@link ParmapGatherers#map} gatherer: its window of elements in
 * flight, in encounter order.
 *
 * <p><b>Threads.</b> The <em>stream's thread</em> calls {@link #integrate} and {@link #finish} (one
 * call at a time, possibly from different threads in a parallel stream, with happens-before between
 * calls, as the Gatherer contract guarantees); it alone starts tasks, removes slots from the window
 * and pushes results. Each slot's task runs on its own virtual thread, which talks to the stream's
 * thread only through {@link #lock}: at its end it records its outcome in the slot, marks it done
 * and signals {@link #changed}.
 *
 * <p><b>Waking on any failure.</b> The stream's thread never waits on one element's completion (as
 * {@code future.get()} on the head would): it waits on {@link #changed} for "the head is done, or
 * some task failed", so a failure anywhere in the window wakes it at once. The failed task's own
 * thread, still under the lock, sets {@link #stopped} and interrupts the other running tasks, so
 * they stop even while the stream's thread is busy upstream or downstream.
 *
 * <p><b>Invariants.</b> {@link #inFlight} holds, in encounter order, every slot whose thread was
 * started (or is about to be, by the stream's thread) and whose result was not yet pushed; its size
 * never exceeds {@link #window}. Once {@link #stopped} is set no task starts (a thread started
 * afterwards skips its task), and every slot then in flight and not done is interrupted exactly
 * once. The stream's thread removes a slot only once it is done, and joins its thread before it
 * pushes the result or returns, so no thread outlives the evaluation that started it.
 */
final class ParallelMapState<T extends @Nullable Object, R extends @Nullable Object> {

  /** Numbers the evaluations, for thread names. */
  private static final AtomicLong EVALUATIONS = new AtomicLong();

  /** Bound on the suppressed failures attached to the reported one (as in parmap-core). */
  private static final int MAX_SUPPRESSED = 16;

  private final int window;
  private final Task<? super T, ? extends R> task;
  private final ThreadFactory threads;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // Guarded by lock.
  private final ArrayDeque<Slot> inFlight;
  private @Nullable Slot firstFailure;

  /** Written under lock; read without it where a stale {@code false} is harmless. */
  private volatile boolean stopped;

  // The stream's thread only.
  private long nextIndex;
  private boolean ended;

  ParallelMapState(int window, Task<? super T, ? extends R> task) {
    this.window = window;
    this.task = task;
    this.threads =
        Thread.ofVirtual()
            .name("parmap-gatherer-" + EVALUATIONS.incrementAndGet() + "-", 0)
            .factory();
    this.inFlight = new ArrayDeque<>(Math.min(window, 64));
  }

  /** One element in flight, and the task that runs it on its own thread. */
  private final class Slot implements Runnable {
    final long index;
    // The element: kept until the slot is pushed, to name it if its task fails.
    final @Nullable Object item;
    // Set before the slot is published in inFlight; the thread is started after that.
    @Nullable Thread thread;

    // Guarded by lock (written by the task's thread, read by the stream's thread after done).
    @Nullable Object result;
    @Nullable Throwable failure;
    boolean done;
    boolean interruptedByStop;
    boolean failedOnItsOwn;

    Slot(long index, @Nullable Object item) {
      this.index = index;
      this.item = item;
    }

    @Override
    public void run() {
      @Nullable Object value = null;
      @Nullable Throwable thrown = null;
      if (!stopped) { // a stop before the thread ran: the element must not start
        try {
          value = task.apply(ParallelMapState.<T>cast(item));
        } catch (Throwable e) { // every failure is reported, Errors included
          thrown = e;
        }
      }
      lock.lock();
      try {
        result = value;
        failure = thrown;
        done = true;
        if (thrown != null) {
          // An interruption after the stop interrupted this task is a consequence of the stop.
          failedOnItsOwn = !(interruptedByStop && causedByInterruption(thrown));
          if (failedOnItsOwn && !stopped) {
            firstFailure = this;
            stopLocked(); // fail fast: interrupt the others now, not when the stream looks
          }
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Gatherer functions (the stream's thread)

  /** The integrator: pushes the finished head results, makes room in the window, starts a task. */
  boolean integrate(T element, Downstream<? super R> downstream) {
    if (ended) {
      return false;
    }
    try {
      if (downstream.isRejecting() || !pushFinished(downstream, window - 1)) {
        cancel();
        return false;
      }
      start(element);
      return true;
    } catch (InterruptedException e) {
      throw interrupted(e);
    } catch (RuntimeException | Error e) { // a downstream stage threw, or we report a failure
      cancel();
      throw e;
    }
  }

  /** The finisher: pushes every remaining result in order, or cancels if downstream is done. */
  void finish(Downstream<? super R> downstream) {
    if (ended) {
      return;
    }
    try {
      if (downstream.isRejecting() || !pushFinished(downstream, 0)) {
        cancel();
        return;
      }
      ended = true; // every slot was pushed and its thread joined
    } catch (InterruptedException e) {
      throw interrupted(e);
    } catch (RuntimeException | Error e) {
      cancel();
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The stream's thread

  /**
   * Pushes, in order, the results at the head of the window that are done, waiting for the head
   * while more than {@code maxLeft} slots are in flight. Throws the failure as soon as one is
   * recorded, whether or not the failed slot is at the head.
   *
   * @return whether downstream wants more
   */
  private boolean pushFinished(Downstream<? super R> downstream, int maxLeft)
      throws InterruptedException {
    while (true) {
      @Nullable Slot head = null;
      lock.lock();
      try {
        while (firstFailure == null) {
          Slot first = inFlight.peekFirst();
          if (first == null || (!first.done && inFlight.size() <= maxLeft)) {
            return true;
          }
          if (first.done) {
            head = inFlight.pollFirst();
            break;
          }
          changed.await(); // woken by the head's end or by any failure
        }
      } finally {
        lock.unlock();
      }
      if (head == null) {
        throw failure(); // a task failed, at the head or anywhere else in the window
      }
      joinUninterruptibly(head);
      if (!downstream.push(ParallelMapState.<R>cast(head.result))) {
        return false;
      }
    }
  }

  private void start(T element) {
    Slot slot = new Slot(nextIndex++, element);
    Thread thread = threads.newThread(slot);
    slot.thread = thread;
    boolean failed;
    lock.lock();
    try {
      failed = stopped; // only a failure stops while the stream's thread is in the gatherer
      if (!failed) {
        inFlight.addLast(slot);
      }
    } finally {
      lock.unlock();
    }
    if (failed) {
      throw failure(); // a task failed since the last look: this element must not start
    }
    try {
      thread.start();
    } catch (RuntimeException | Error e) { // no thread could be started: the slot would never end
      lock.lock();
      try {
        inFlight.removeLastOccurrence(slot);
      } finally {
        lock.unlock();
      }
      throw e;
    }
  }

  /**
   * Stops the evaluation: no task starts, running ones are interrupted, and the stream's thread
   * waits for all of them and joins their threads. Keeps the caller's interrupt flag.
   */
  private void cancel() {
    if (ended) {
      return;
    }
    ended = true;
    lock.lock();
    try {
      stopLocked();
      for (Slot slot : inFlight) {
        while (!slot.done) {
          changed.awaitUninterruptibly();
        }
      }
    } finally {
      lock.unlock();
    }
    for (Slot slot : inFlight) { // no longer changed by task threads: all are done
      joinUninterruptibly(slot);
    }
  }

  /** Cancels, then builds the report of the first failure (its slot stays in the window). */
  private RuntimeException failure() {
    cancel();
    Slot failed;
    lock.lock();
    try {
      failed = firstFailure;
    } finally {
      lock.unlock();
    }
    if (failed == null || failed.failure == null) {
      throw new IllegalStateException("parmap bug: failure() without a failed task");
    }
    Throwable cause = failed.failure;
    TaskFailedException report = new TaskFailedException(failed.index, failed.item, cause);
    int suppressed = 0;
    for (Slot slot : inFlight) {
      Throwable other = slot.failure;
      if (slot != failed && other != null && slot.failedOnItsOwn) {
        if (suppressed++ == MAX_SUPPRESSED) {
          break;
        }
        report.addSuppressed(new TaskFailedException(slot.index, slot.item, other));
      }
    }
    inFlight.clear();
    if (cause instanceof VirtualMachineError fatal && !(cause instanceof StackOverflowError)) {
      fatal.addSuppressed(report);
      throw fatal;
    }
    return report;
  }

  private ParmapException interrupted(InterruptedException e) {
    cancel();
    Thread.currentThread().interrupt();
    ParmapException report = new CallInterruptedException("ParmapGatherers.map", e);
    Slot failedBefore;
    lock.lock();
    try {
      failedBefore = firstFailure;
    } finally {
      lock.unlock();
    }
    Throwable cause = failedBefore != null ? failedBefore.failure : null;
    if (failedBefore != null && cause != null) {
      // A task had failed before the interrupt: keep it.
      report.addSuppressed(new TaskFailedException(failedBefore.index, failedBefore.item, cause));
    }
    return report;
  }

  // ---------------------------------------------------------------------------------------------
  // Any thread, under lock

  private void stopLocked() {
    stopped = true;
    for (Slot slot : inFlight) {
      Thread thread = slot.thread;
      if (!slot.done && !slot.interruptedByStop && thread != null) {
        slot.interruptedByStop = true;
        thread.interrupt();
      }
    }
    changed.signalAll();
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /**
   * Joins the thread of a slot that is done: it has signalled its end and terminates within
   * microseconds. An interrupt meanwhile is kept on the calling thread.
   */
  private void joinUninterruptibly(Slot slot) {
    Thread thread = slot.thread;
    if (thread == null) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether {@code failure} reports an interruption (directly or as a cause). */
  static boolean causedByInterruption(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < 16; depth++) {
      if (cause instanceof InterruptedException
          || cause instanceof java.io.InterruptedIOException
          || cause instanceof java.nio.channels.ClosedByInterruptException) {
        return true;
      }
      cause = cause.getCause();
    }
    return false;
  }

  /**
   * Elements and results are stored as {@code Object}s; they are of the user's types, which may be
   * nullable: the cast is safe by construction.
   */
  @SuppressWarnings({"unchecked", "NullAway", "TypeParameterUnusedInFormals"})
  private static <X extends @Nullable Object> X cast(@Nullable Object value) {
    return (X) value;
  }
}
