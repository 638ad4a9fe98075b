package dev.parmap.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * How a pool puts work on threads: the part of a {@code Pool} that differs between {@code
 * Pool#virtual()}, {@code Pool#threads(int)} and {@code Pool#using(ExecutorService)}.
 */
public abstract class Launcher {
  /** How many tasks can usefully run at once for CPU-bound work. */
  final int parallelism;

  /** The most chunks one call may have in flight. */
  final int maxInFlight;

  Launcher(int parallelism, int maxInFlight) {
    this.parallelism = parallelism;
    this.maxInFlight = maxInFlight;
  }

  /**
   * Starts {@code work} on a thread of this pool.
   *
   * @return the thread created for this work alone, which the caller must join after the work has
   *     signalled its end; {@code null} when the work runs on a shared, long-lived thread
   * @throws RejectedExecutionException if the work cannot be started
   */
  abstract @Nullable Thread launch(Runnable work);

  /**
   * As {@link #launch(Runnable)}; with {@code mayWait}, a launcher on an executor that rejects the
   * work while tasks of this pool are running waits for room (see {@link OnExecutor}). The driver
   * of a nested call must not wait: the tasks it would wait for may be waiting for it.
   */
  public @Nullable Thread launch(Runnable work, boolean mayWait) {
    return launch(work);
  }

  /** Whether {@link #acquire()} may wait: the pool runs at most a fixed number of tasks at once. */
  boolean limitsConcurrency() {
    return false;
  }

  /** Waits, if the pool limits concurrency, until the calling task may run. */
  void acquire() throws InterruptedException {}

  /** Ends what {@link #acquire()} began. */
  void release() {}

  /** Stops the threads this launcher owns and waits until they have terminated. */
  public void shutdown() {}

  /** A new virtual thread per chunk, optionally at most {@code limit} running at once. */
  public static final class Virtual extends Launcher {
    private final ThreadFactory factory;
    private final @Nullable String namePrefix; // null: the factory names the threads
    private final AtomicLong started = new AtomicLong();
    private final @Nullable Semaphore permits;

    /**
     * A launcher whose threads are named {@code namePrefix} and a number from 0, in the order they
     * start. Each thread names itself as it starts: a numbered name is a string built per thread, a
     * fifth of the driver's work per item when each item of a blocking call runs on a thread of its
     * own, and the threads build theirs at the same time on the other cores instead.
     */
    public Virtual(
        String namePrefix, int parallelism, int maxInFlight, @Nullable Semaphore permits) {
      this(Thread.ofVirtual().factory(), namePrefix, parallelism, maxInFlight, permits);
    }

    private Virtual(
        ThreadFactory factory,
        @Nullable String namePrefix,
        int parallelism,
        int maxInFlight,
        @Nullable Semaphore permits) {
      super(parallelism, maxInFlight);
      this.factory = factory;
      this.namePrefix = namePrefix;
      this.permits = permits;
    }

    /**
     * A launcher whose threads are named {@code namePrefix} and a number from 0 when they are made,
     * in launch order, without a limit: for a call whose items each run on a thread of their own,
     * named after the item.
     */
    public static Virtual numbered(String namePrefix, int parallelism, int maxInFlight) {
      return new Virtual(
          Thread.ofVirtual().name(namePrefix, 0).factory(), null, parallelism, maxInFlight, null);
    }

    @Override
    Thread launch(Runnable work) {
      String prefix = namePrefix;
      Thread thread =
          factory.newThread(
              prefix == null
                  ? work
                  : () -> {
                    Thread.currentThread().setName(prefix + started.getAndIncrement());
                    work.run();
                  });
      if (thread == null) {
        throw new RejectedExecutionException("could not create a virtual thread");
      }
      thread.start();
      return thread;
    }

    @Override
    boolean limitsConcurrency() {
      return permits != null;
    }

    @Override
    void acquire() throws InterruptedException {
      if (permits != null) {
        permits.acquire();
      }
    }

    @Override
    void release() {
      if (permits != null) {
        permits.release();
      }
    }
  }

  /**
   * Work submitted to an executor; shuts it down on {@link #shutdown()} only if it owns it.
   *
   * <p><b>Rejection is backpressure.</b> The user's executor may refuse work when it is full (a
   * {@link java.util.concurrent.ThreadPoolExecutor} with a {@link
   * java.util.concurrent.SynchronousQueue} or a bounded queue). Then, if tasks of this pool are
   * running on it, {@link #launch(Runnable, boolean)} waits until one of them ends and tries again:
   * the room it leaves is the pool's to take. If none is running, the executor is full of someone
   * else's work, or its threads are between two tasks (a thread that just finished a task of this
   * pool takes a moment to be ready for the next): it tries again for up to {@link
   * #REJECTION_PATIENCE_NANOS}, then lets the rejection through. A shut-down executor's rejection
   * goes through at once.
   */
  public static final class OnExecutor extends Launcher {
    /** How long a rejection with no task of this pool running is retried before it counts. */
    static final long REJECTION_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final long LONGEST_RETRY_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ExecutorService executor;
    private final @Nullable ThreadRegistry ownedThreads;

    /** Whether the executor may reject work that is not due to a shutdown (the user's). */
    private final boolean mayReject;

    /** Tasks of this pool accepted by the executor and not yet ended. */
    private final AtomicInteger running = new AtomicInteger();

    // A waiter registers in waiters (under lock) before it compares endings; an ending task counts
    // in endings before it reads waiters: either the waiter sees the ending, or the task sees the
    // waiter and signals it (under the lock, so not before it waits).
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition taskEnded = lock.newCondition();
    private volatile int waiters; // threads waiting on taskEnded; written under lock
    private final AtomicLong endings = new AtomicLong(); // tasks of this pool that ended, ever

    public OnExecutor(
        ExecutorService executor,
        int parallelism,
        int maxInFlight,
        @Nullable ThreadRegistry ownedThreads) {
      super(parallelism, maxInFlight);
      this.executor = executor;
      this.ownedThreads = ownedThreads;
      this.mayReject = ownedThreads == null; // the pool's own executor has an unbounded queue
    }

    @Override
    @Nullable Thread launch(Runnable work) {
      return launch(work, false);
    }

    @Override
    public @Nullable Thread launch(Runnable work, boolean mayWait) {
      if (!mayReject) {
        executor.execute(work);
        return null;
      }
      Runnable counted =
          () -> {
            try {
              work.run();
            } finally {
              ended();
            }
          };
      long retryWait = TimeUnit.MICROSECONDS.toNanos(10);
      long patienceEnds = 0;
      boolean interrupted = false;
      try {
        while (true) {
          long seen = endings.get();
          running.incrementAndGet();
          try {
            executor.execute(counted);
            return null;
          } catch (RejectedExecutionException e) {
            running.decrementAndGet();
            if (executor.isShutdown()) {
              throw e;
            }
            if (!mayWait || running.get() == 0) {
              long now = System.nanoTime();
              if (patienceEnds == 0) {
                patienceEnds = now + REJECTION_PATIENCE_NANOS;
              } else if (now - patienceEnds >= 0) {
                throw e;
              }
            }
            // Woken when a task of this pool ends; the wait is bounded because a thread that has
            // signalled the end of its task may still need a moment before the executor can use it.
            interrupted |= awaitTaskEnd(seen, retryWait);
            retryWait = Math.min(2 * retryWait, LONGEST_RETRY_WAIT_NANOS);
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt(); // the caller's: it notices once the work is placed
        }
      }
    }

    private void ended() {
      running.decrementAndGet();
      endings.incrementAndGet();
      if (waiters > 0) {
        lock.lock();
        try {
          taskEnded.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }

    /** Waits up to {@code nanos} for a task to end after {@code seen}; returns if interrupted. */
    private boolean awaitTaskEnd(long seen, long nanos) {
      lock.lock();
      try {
        waiters++;
        try {
          if (endings.get() != seen) {
            return false;
          }
          taskEnded.awaitNanos(nanos);
          return false;
        } catch (InterruptedException e) {
          return true;
        } finally {
          waiters--;
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void shutdown() {
      if (ownedThreads == null) {
        return; // the user's executor: Pool.using promises not to shut it down
      }
      executor.shutdown();
      boolean interrupted = false;
      while (true) {
        try {
          if (executor.awaitTermination(1, TimeUnit.DAYS)) {
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      // awaitTermination returns when the workers have left their run loop; join them so that
      // none is alive when close() returns.
      interrupted |= ownedThreads.joinAll();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
