package dev.parmap.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * What a pool and its {@code with} views share: the calls in progress, the submitted tasks, and
 * whether the pool is closed. {@link #closeAndAwait()} refuses new work and waits for all of it;
 * {@link #terminate} stops it first. Thread-safe: guarded by one lock.
 */
public final class PoolWork {
  /** The work of the pool whose task the current thread runs, if any. */
  private static final ThreadLocal<@Nullable PoolWork> CURRENT = new ThreadLocal<>();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  // Guarded by lock.
  private boolean closed;
  private final Set<Run<?, ?>> waitedFor = new HashSet<>(); // calls whose caller waits for them
  // Result streams, held weakly: one dropped unclosed (with nothing in flight, so nothing else
  // holds it) must not stay in memory, with its buffered results, until the pool closes.
  private final Set<Run<?, ?>> streams = Collections.newSetFromMap(new WeakHashMap<>());
  private final Set<Submission<?>> submissions = new HashSet<>();
  private final List<Thread> endedSubmissionThreads = new ArrayList<>();
  // Calls that gave up on tasks ignoring interruption (after their cancellation grace), and the
  // threads made for those tasks alone: close() waits for them all the same.
  private final List<Run<?, ?>> abandonedRuns = new ArrayList<>();
  private final List<Thread> abandonedThreads = new ArrayList<>();
  // Per-worker resources kept between calls, by the key of the user's resource description.
  private final Map<Object, WorkerResources> kept = new IdentityHashMap<>();

  /**
   * The resources that the pool keeps for the calls of {@code work}'s {@linkplain
   * ResourceWork#poolKey() key}, made on first use; closed by {@link #closeKeptResources()}.
   */
  WorkerResources keptResources(ResourceWork work, Object key) {
    lock.lock();
    try {
      return kept.computeIfAbsent(key, k -> WorkerResources.keptByPool(work));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the resources the pool kept between calls; meant for after {@link #closeAndAwait()}.
   * Safe to call more than once: each is closed once.
   *
   * @return what the closes threw (the first, the others suppressed in it), or null
   */
  public @Nullable Throwable closeKeptResources() {
    List<WorkerResources> toClose;
    lock.lock();
    try {
      toClose = new ArrayList<>(kept.values());
      kept.clear();
    } finally {
      lock.unlock();
    }
    Throwable failed = null;
    for (WorkerResources resources : toClose) {
      Throwable next = resources.closeWithPool();
      if (next != null) {
        if (failed == null) {
          failed = next;
        } else {
          failed.addSuppressed(next);
        }
      }
    }
    return failed;
  }

  /** Whether the current thread runs a task of this pool (a call made now is nested). */
  public boolean isRunningTaskOnCurrentThread() {
    return CURRENT.get() == this;
  }

  /** Marks the current thread as running a task of this pool; returns what to restore. */
  @Nullable PoolWork enterTask() {
    PoolWork outer = CURRENT.get();
    CURRENT.set(this);
    return outer;
  }

  /** Ends what {@link #enterTask()} began. */
  static void exitTask(@Nullable PoolWork outer) {
    if (outer == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(outer);
    }
  }

  /**
   * Throws if the pool is closed.
   *
   * @param what the call that would start, for the message
   * @param pool the pool, for the message
   */
  public void checkOpen(String what, Object pool) {
    lock.lock();
    try {
      checkOpenLocked(what, pool);
    } finally {
      lock.unlock();
    }
  }

  private void checkOpenLocked(String what, Object pool) {
    if (closed) {
      throw new IllegalStateException(
          what + " called on a closed pool (" + pool + "): create a new pool for new work");
    }
  }

  /**
   * Registers a call that starts, unless the pool is closed.
   *
   * @param waited whether its caller waits for the whole call (close() waits for it too), as
   *     opposed to a result stream
   */
  public void register(Run<?, ?> run, boolean waited, String what, Object pool) {
    lock.lock();
    try {
      checkOpenLocked(what, pool);
      if (waited) {
        waitedFor.add(run);
      } else {
        streams.add(run);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The call has ended; if it gave up on tasks that ignore interruption, close() still waits. */
  void deregister(Run<?, ?> run) {
    lock.lock();
    try {
      waitedFor.remove(run);
      streams.remove(run);
      if (run.hasTasksInFlight()) {
        abandonedRuns.removeIf(abandoned -> !abandoned.hasTasksInFlight());
        abandonedRuns.add(run);
        abandonedThreads.removeIf(thread -> !thread.isAlive());
        abandonedThreads.addAll(run.threadsOfRunningChunks());
      }
      idle.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Adds a submission; with a non-null {@code what}, only if the pool is open.
   *
   * @throws IllegalStateException if {@code what} is given and the pool is closed
   */
  public void add(Submission<?> submission, @Nullable String what, Object pool) {
    lock.lock();
    try {
      if (what != null) {
        checkOpenLocked(what, pool);
      }
      submissions.add(submission);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Called by a submission's thread as its last step; a thread made for it alone is remembered
   * until close() joins it, so that none is alive when close() returns.
   */
  public void submissionEnded(Submission<?> submission, @Nullable Thread ownThread) {
    lock.lock();
    try {
      if (ownThread != null) {
        if (endedSubmissionThreads.size() >= 64) {
          endedSubmissionThreads.removeIf(thread -> !thread.isAlive());
        }
        endedSubmissionThreads.add(ownThread);
      }
      submissions.remove(submission);
      idle.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Refuses new work and stops the work in progress: calls fail with {@code reason}. */
  public void terminate(String reason) {
    lock.lock();
    try {
      closed = true;
      stopAllLocked(reason);
    } finally {
      lock.unlock();
    }
  }

  private void stopAllLocked(String reason) {
    for (Run<?, ?> run : streams) {
      run.stop(reason);
    }
    for (Run<?, ?> run : waitedFor) {
      run.stop(reason);
    }
    for (Submission<?> submission : submissions) {
      if (submission.isTask()) {
        submission.cancelNow(); // a mapAsync's run was stopped above: it fails as terminated
      }
    }
  }

  /**
   * Refuses new work and waits until the work given to the pool has ended: calls whose caller waits
   * for them, submissions, the running tasks of result streams (which then start no more), and
   * tasks that calls gave up on. If interrupted meanwhile, terminates the work instead and goes on
   * waiting.
   *
   * @return whether the calling thread was interrupted (its flag is left cleared)
   */
  public boolean closeAndAwait() {
    boolean interrupted = false;
    List<Run<?, ?>> openStreams;
    lock.lock();
    try {
      closed = true;
      while (!waitedFor.isEmpty() || !submissions.isEmpty()) {
        try {
          idle.await();
        } catch (InterruptedException e) {
          if (!interrupted) {
            interrupted = true;
            stopAllLocked("the pool was terminated because close() was interrupted");
          }
        }
      }
      openStreams = new ArrayList<>(streams);
    } finally {
      lock.unlock();
    }
    for (Run<?, ?> stream : openStreams) {
      stream.detachAndAwaitQuiescence();
    }
    List<Run<?, ?>> abandoned;
    List<Thread> ended;
    lock.lock();
    try {
      abandoned = new ArrayList<>(abandonedRuns);
      abandonedRuns.clear();
      ended = new ArrayList<>(endedSubmissionThreads);
      endedSubmissionThreads.clear();
      ended.addAll(abandonedThreads);
      abandonedThreads.clear();
    } finally {
      lock.unlock();
    }
    for (Run<?, ?> run : abandoned) {
      run.detachAndAwaitQuiescence(); // tasks that ignored interruption: however long they take
    }
    for (Thread thread : ended) {
      interrupted |= joinUninterruptibly(thread);
    }
    return interrupted;
  }

  /** Joins {@code thread}; returns whether the caller was interrupted meanwhile (flag cleared). */
  private static boolean joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }
}
