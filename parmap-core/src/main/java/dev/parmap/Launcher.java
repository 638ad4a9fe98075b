package dev.parmap;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * How a pool puts work on threads: the part of a {@link Pool} that differs between {@link
 * Pool#virtual()}, {@link Pool#threads(int)} and {@link Pool#using(ExecutorService)}.
 */
abstract class Launcher {
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

  /** Whether {@link #acquire()} may wait: the pool runs at most a fixed number of tasks at once. */
  boolean limitsConcurrency() {
    return false;
  }

  /** Waits, if the pool limits concurrency, until the calling task may run. */
  void acquire() throws InterruptedException {}

  /** Ends what {@link #acquire()} began. */
  void release() {}

  /** Stops the threads this launcher owns and waits until they have terminated. */
  void shutdown() {}

  /** A new virtual thread per chunk, optionally at most {@code limit} running at once. */
  static final class Virtual extends Launcher {
    private final ThreadFactory factory;
    private final @Nullable Semaphore permits;

    Virtual(String namePrefix, int parallelism, int maxInFlight, @Nullable Semaphore permits) {
      super(parallelism, maxInFlight);
      this.factory = Thread.ofVirtual().name(namePrefix, 0).factory();
      this.permits = permits;
    }

    @Override
    Thread launch(Runnable work) {
      Thread thread = factory.newThread(work);
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

  /** Work submitted to an executor; shuts it down on {@link #shutdown()} only if it owns it. */
  static final class OnExecutor extends Launcher {
    private final ExecutorService executor;
    private final @Nullable ThreadRegistry ownedThreads;

    OnExecutor(
        ExecutorService executor,
        int parallelism,
        int maxInFlight,
        @Nullable ThreadRegistry ownedThreads) {
      super(parallelism, maxInFlight);
      this.executor = executor;
      this.ownedThreads = ownedThreads;
    }

    @Override
    @Nullable Thread launch(Runnable work) {
      executor.execute(work);
      return null;
    }

    @Override
    void shutdown() {
      if (ownedThreads == null) {
        return; // the user's executor: Pool.using promises not to shut it down
      }
      executor.shutdown();
      boolean interrupted = false;
      while (true) {
        try {
          if (executor.awaitTermination(1, java.util.concurrent.TimeUnit.DAYS)) {
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
