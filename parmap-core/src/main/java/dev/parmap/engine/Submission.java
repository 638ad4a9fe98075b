package dev.parmap.engine;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A task submitted to a pool ({@code submit}), or the driver of a {@code mapAsync} call, and its
 * future. Cancellation interrupts the running work; {@code join()} and {@code get()} return once
 * the thread made for it alone, if any, has ended. Every submission tells its pool's {@link
 * PoolWork} when it ends, so that {@code close()} waits for it.
 */
/** A task submitted to the pool, and its future; cancellation interrupts it. */
public final class Submission<V extends @Nullable Object> extends CompletableFuture<V>
    implements Runnable {

  /** What is submitted: a task of the user's, or the driver of a {@code mapAsync} call. */
  public enum Kind {
    /** A user task on one of the pool's long-lived threads. */
    POOLED_TASK,
    /** A user task on a thread made for it alone (the virtual pools), joined by close(). */
    TASK_ON_ITS_OWN_THREAD,
    /** The driver of a {@code mapAsync} call, on a thread made for it alone. */
    CALL_DRIVER
  }

  private final Launcher launcher;
  private final PoolWork work;
  private final Duration grace;
  private final Callable<V> body;
  private final boolean isTask;
  private final boolean ownThread;
  private final CountDownLatch ended = new CountDownLatch(1);
  private @Nullable Runnable ifNeverRun;
  // The thread made for this submission alone, once it runs: join() and get() wait for its end.
  private volatile @Nullable Thread ownRunner;
  // Guarded by this.
  private @Nullable Thread runner;
  private boolean interrupted;

  public Submission(PoolContext pool, Duration grace, Callable<V> body, Kind kind) {
    this.launcher = pool.launcher();
    this.work = pool.work();
    this.grace = grace;
    this.body = body;
    // A user task takes a concurrency permit and marks its thread as the pool's.
    this.isTask = kind != Kind.CALL_DRIVER;
    this.ownThread = kind != Kind.POOLED_TASK;
  }

  /**
   * Sets what to run instead of the body if the submission is cancelled before it starts (set
   * before it is launched).
   */
  public void whenNeverRun(Runnable skip) {
    this.ifNeverRun = skip;
  }

  /** Whether it is a user task (not the driver of a call). */
  boolean isTask() {
    return isTask;
  }

  @Override
  public void run() {
    try {
      synchronized (this) {
        if (isDone()) {
          Runnable skip = ifNeverRun;
          if (skip != null) {
            skip.run();
          }
          return; // cancelled before it started
        }
        runner = Thread.currentThread();
        if (ownThread) {
          ownRunner = runner; // before completion, which publishes it to join() and get()
        }
      }
      PoolWork outer = isTask ? work.enterTask() : null;
      try {
        if (isTask) {
          launcher.acquire();
        }
        try {
          complete(body.call());
        } finally {
          if (isTask) {
            launcher.release();
          }
        }
      } catch (Throwable e) { // the future reports every failure, Errors included
        completeExceptionally(e);
      } finally {
        if (isTask) {
          PoolWork.exitTask(outer);
        }
      }
    } finally {
      synchronized (this) {
        runner = null;
        if (interrupted) {
          Thread.interrupted(); // ours: do not leave it on a pool thread
        }
      }
      work.submissionEnded(this, ownThread ? Thread.currentThread() : null);
      ended.countDown();
    }
  }

  /**
   * Cancels; with {@code mayInterruptIfRunning}, also interrupts the running work and waits until
   * it has ended (at most the options' cancellation grace, for work that ignores interruption),
   * unless called from that work itself.
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    Thread thread = cancelled && mayInterruptIfRunning ? interruptRunner() : null;
    // From a task of this pool, waiting could mean waiting for itself (the task is one of the
    // cancelled call's, or holds the thread that call's tasks need): close() waits instead.
    if (thread != null
        && thread != Thread.currentThread()
        && !work.isRunningTaskOnCurrentThread()) {
      boolean interruptedWhileWaiting = false;
      long deadline = Durations.saturatedAdd(System.nanoTime(), Durations.saturatedNanos(grace));
      while (true) {
        try {
          long left = deadline - System.nanoTime();
          if (left <= 0 || ended.await(left, TimeUnit.NANOSECONDS)) {
            break;
          }
        } catch (InterruptedException e) {
          interruptedWhileWaiting = true;
        }
      }
      if (interruptedWhileWaiting) {
        Thread.currentThread().interrupt();
      }
    }
    return cancelled;
  }

  @Override
  public V join() {
    try {
      return super.join();
    } finally {
      boolean interrupted = false;
      while (true) {
        try {
          awaitOwnThread(Long.MAX_VALUE);
          break;
        } catch (InterruptedException e) {
          interrupted = true; // join() is not interruptible: keep waiting, restore the flag
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public V get() throws InterruptedException, ExecutionException {
    V result;
    try {
      result = super.get();
    } catch (ExecutionException e) {
      awaitOwnThread(Long.MAX_VALUE);
      throw e;
    }
    awaitOwnThread(Long.MAX_VALUE);
    return result;
  }

  @Override
  public V get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    long until = System.nanoTime() + unit.toNanos(timeout);
    V result;
    try {
      result = super.get(timeout, unit);
    } catch (ExecutionException e) {
      awaitOwnThreadOrTimeOut(until);
      throw e;
    }
    awaitOwnThreadOrTimeOut(until);
    return result;
  }

  private void awaitOwnThreadOrTimeOut(long until) throws InterruptedException, TimeoutException {
    if (!awaitOwnThread(Math.max(0, until - System.nanoTime()))) {
      throw new TimeoutException("the task has completed but its thread has not ended yet");
    }
  }

  /**
   * After completion: waits up to {@code nanos} until the thread made for this submission alone has
   * terminated (it ends right after completing the future). Not for a cancelled submission, whose
   * work may ignore interruption, nor from that thread itself.
   *
   * @return whether there is no such thread left alive
   */
  private boolean awaitOwnThread(long nanos) throws InterruptedException {
    Thread thread = ownRunner;
    if (thread == null || thread == Thread.currentThread() || isCancelled()) {
      return true;
    }
    return thread.join(Duration.ofNanos(nanos));
  }

  /** Cancels and interrupts without waiting (for terminate(), which waits for all work). */
  void cancelNow() {
    if (super.cancel(true)) {
      interruptRunner();
    }
  }

  private synchronized @Nullable Thread interruptRunner() {
    Thread thread = runner;
    if (thread != null) {
      interrupted = true;
      thread.interrupt();
    }
    return thread;
  }
}
