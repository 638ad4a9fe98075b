package dev.parmap.engine;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The scheduler of a pool's timeout alarms, shared by all its calls: one platform thread, made when
 * the first alarm is set and ending after a second without alarms, so an idle pool has none. {@link
 * #shutdown()} (when the pool closes, after its calls have ended) cancels what is left and waits
 * until the thread has terminated. Thread-safe.
 */
public final class PoolTimer {
  private final ThreadRegistry threads;
  private @Nullable ScheduledThreadPoolExecutor scheduler; // guarded by this

  public PoolTimer(String threadPrefix) {
    this.threads = new ThreadRegistry(threadPrefix + "timer-");
  }

  /** The scheduler, made at the first use. */
  public synchronized ScheduledExecutorService get() {
    ScheduledThreadPoolExecutor current = scheduler;
    if (current == null) {
      current = new ScheduledThreadPoolExecutor(1, threads);
      current.setRemoveOnCancelPolicy(true); // alarms of finished attempts do not pile up
      current.setKeepAliveTime(1, TimeUnit.SECONDS); // an idle pool keeps no timer thread
      current.allowCoreThreadTimeOut(true);
      scheduler = current;
    }
    return current;
  }

  /** Cancels the alarms left and waits until the timer's thread has terminated; keeps the flag. */
  public void shutdown() {
    ScheduledThreadPoolExecutor current;
    synchronized (this) {
      current = scheduler;
    }
    if (current == null) {
      return;
    }
    current.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        if (current.awaitTermination(1, TimeUnit.DAYS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    interrupted |= threads.joinAll();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
