package dev.parmap.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Puts the chunks of one call on its pool's threads and brings their completions back to the call's
 * driver: concurrency permits ({@code Pool.virtual(n)}), helping (a call made from inside a task of
 * the same pool runs its own chunks when no pool thread is free), interrupting running chunks when
 * the call stops, and joining the threads made for chunks.
 *
 * <p><b>Threads.</b> Methods marked "driver" are called by the call's driver alone. {@link #stop},
 * {@link #detachAndAwaitQuiescence} is safe from any thread. Chunks run on pool threads: each
 * registers in {@code running} (a concurrent set, so that starting chunks do not contend on a
 * lock), and at its end queues itself in {@code completions} and signals {@code changed} if someone
 * waits (see {@link #signalWaiters}).
 *
 * <p><b>Invariants.</b> {@code inFlight} counts chunks launched and not yet completed; {@code
 * driverInFlight} counts those launched and not yet taken back by the driver. A chunk's {@code
 * runner} is set exactly while a thread runs its items, and only then can it be interrupted (both
 * under the chunk's monitor, so a pool thread is never interrupted after it has moved on to other
 * work). Once stopped, no chunk starts a new item. A chunk always reports its completion, whatever
 * its items or its machinery threw.
 */
final class Dispatch {
  /** Threads of ended chunks kept, at most, before they are joined. */
  private static final int MAX_UNJOINED = 1024;

  private final Launcher launcher;
  private final PoolWork work;
  private final ItemRunner items;
  private final boolean helping;

  // Shared with the chunks: guarded by lock, except the volatile fields and concurrent structures.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ConcurrentLinkedQueue<Chunk> completions = new ConcurrentLinkedQueue<>();
  private volatile int waiters; // threads waiting on changed; written under lock
  private volatile boolean draining; // the driver waits for the last chunk, not for each
  // The driver is woken by a chunk that leaves at most this many in flight, or that failed, or
  // whose rest is handed back: see await.
  private volatile int wakeAtMost = Integer.MAX_VALUE;
  private final Set<Chunk> running = ConcurrentHashMap.newKeySet();
  private final Set<Thread> permitWaiters = new HashSet<>();
  private final Set<Thread> interruptedWaiters = new HashSet<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean detached;
  private final StopFlag stopped;

  // Driver only.
  private final ArrayDeque<Chunk> unclaimed = new ArrayDeque<>();
  private final ArrayList<Thread> endedThreads = new ArrayList<>(); // chunk ended, to be joined
  private int driverInFlight;
  private int severalInFlight; // of driverInFlight, the chunks of more than one item

  /**
   * @param helping whether the driver is itself a task of {@code pool} (a nested call): it then
   *     runs launched chunks that no pool thread has claimed yet, rather than wait for them
   */
  Dispatch(PoolContext pool, ItemRunner items, boolean helping, StopFlag stopped) {
    this.stopped = stopped;
    this.work = pool.work();
    this.launcher = pool.launcher();
    this.items = items;
    this.helping = helping;
  }

  // ---------------------------------------------------------------------------------------------
  // Any thread

  /** Stops the chunks: no new item starts, and running ones are interrupted (not the caller's). */
  void stop() {
    stopped.raise();
    for (Chunk chunk : running) {
      synchronized (chunk) {
        Thread runner = chunk.runner;
        if (runner != null && runner != Thread.currentThread() && !chunk.interruptedByStop) {
          chunk.interruptedByStop = true;
          runner.interrupt();
        }
      }
    }
    lock.lock();
    try {
      for (Thread waiter : permitWaiters) {
        if (interruptedWaiters.add(waiter)) {
          waiter.interrupt();
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Prevents new launches (the pool was closed) and waits until no chunk is in flight. */
  void detachAndAwaitQuiescence() {
    lock.lock();
    try {
      detached = true;
      waiters++;
      try {
        while (inFlight.get() > 0) {
          changed.awaitUninterruptibly();
        }
      } finally {
        waiters--;
      }
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Launching (driver)

  /**
   * Launches the chunk on the pool.
   *
   * @return false if the pool was closed meanwhile (nothing was launched)
   * @throws RuntimeException if the pool refused the work ({@code RejectedExecutionException})
   * @throws OutOfMemoryError if no thread could be created
   */
  boolean launch(Chunk chunk) {
    // Counted before reading the flag, as detachAndAwaitQuiescence() sets the flag before reading
    // the count: either this launch sees the pool closed, or close() waits for this chunk.
    inFlight.incrementAndGet();
    if (detached) {
      uncount();
      return false;
    }
    try {
      // A nested call must not wait for room on a full executor: the tasks it would wait for may
      // be waiting for it.
      chunk.launchedThread = launcher.launch(() -> runChunk(chunk, false), !helping);
    } catch (RuntimeException | OutOfMemoryError e) { // rejected, or no thread could be created
      uncount();
      throw e;
    }
    driverInFlight++;
    if (chunk.size > 1) {
      severalInFlight++;
    }
    if (helping) {
      unclaimed.add(chunk);
    }
    return true;
  }

  /** The number of chunks launched and not yet taken back with {@link #nextCompleted()}. */
  int inFlight() {
    return driverInFlight;
  }

  /** Takes back the count of a chunk that was not launched after all. */
  private void uncount() {
    inFlight.decrementAndGet();
    signalWaiters();
  }

  // ---------------------------------------------------------------------------------------------
  // Chunks (pool threads, or a helping driver)

  /**
   * Runs the chunk if no other thread has claimed it. {@code inline} is for a driver that helps: it
   * already holds whatever concurrency permit its own task needed.
   *
   * <p>A pool thread first waits for its permit (for {@code Pool.virtual(n)}), and only then claims
   * the chunk: while it waits, a helping driver may take the chunk over, and {@link #stop} can
   * interrupt the wait.
   */
  private void runChunk(Chunk chunk, boolean inline) {
    boolean permit = !inline && launcher.limitsConcurrency() && awaitPermit(chunk);
    try {
      if (!chunk.claim()) {
        return; // a helping driver ran it already
      }
      if (inline) {
        releaseWaiter(chunk);
      }
      try {
        boolean start = permit || inline || !launcher.limitsConcurrency();
        if (start) {
          // Registered before reading the flag, as stop() sets the flag before reading the set:
          // either this thread sees the stop, or stop() sees this chunk and interrupts it.
          synchronized (chunk) {
            chunk.runner = Thread.currentThread();
          }
          running.add(chunk);
          start = !stopped.isRaised();
        }
        if (start) {
          PoolWork outer = work.enterTask();
          try {
            items.run(chunk);
          } finally {
            PoolWork.exitTask(outer);
          }
        }
      } catch (Throwable e) { // not swallowed: the driver fails the call with it
        chunk.machineryFailure = e;
        stop();
      } finally {
        // Whatever happened, the chunk reports its completion: a call never waits for a chunk
        // that has ended.
        synchronized (chunk) {
          if (chunk.runner != null) {
            chunk.runner = null;
            if (chunk.interruptedByStop) {
              Thread.interrupted(); // ours: do not leave it on a pool thread that moves on
            }
          }
        }
        running.remove(chunk);
        completions.add(chunk); // queued before it stops counting: at zero, every one is queued
        if (wakesDriver(inFlight.decrementAndGet(), draining, wakeAtMost, chunk)) {
          signalWaiters();
        }
      }
    } finally {
      if (permit) {
        launcher.release();
      }
    }
  }

  /**
   * Waits for a concurrency permit of the pool, unless the call stops first.
   *
   * @return whether the permit was acquired (the caller must release it)
   */
  private boolean awaitPermit(Chunk chunk) {
    Thread self = Thread.currentThread();
    lock.lock();
    try {
      if (stopped.isRaised() || chunk.isClaimed()) {
        return false;
      }
      permitWaiters.add(self);
    } finally {
      lock.unlock();
    }
    boolean acquired = false;
    try {
      launcher.acquire();
      acquired = true;
    } catch (InterruptedException e) {
      // Only stop() interrupts a thread waiting here: the chunk will be skipped.
    } finally {
      lock.lock();
      try {
        permitWaiters.remove(self);
        if (interruptedWaiters.remove(self)) {
          Thread.interrupted(); // ours, and possibly set after the permit came
        }
      } finally {
        lock.unlock();
      }
    }
    return acquired;
  }

  /**
   * After a helping driver claimed {@code chunk}, wakes the pool thread launched for it if that
   * thread waits for a permit: it would otherwise wait for the permit its own driver holds. A
   * thread that has not started waiting yet sees the claim (both sides decide under the lock).
   */
  private void releaseWaiter(Chunk chunk) {
    Thread launched = chunk.launchedThread;
    if (launched == null) {
      return;
    }
    lock.lock();
    try {
      if (permitWaiters.contains(launched) && interruptedWaiters.add(launched)) {
        launched.interrupt();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether a chunk that completed, leaving {@code left} chunks in flight, wakes the driver: the
   * last one always; while the driver drains, no other; else one that leaves at most {@code
   * wakeAtMost} in flight (see {@link #await}), or that failed, or handed the rest of its items
   * back.
   */
  static boolean wakesDriver(int left, boolean draining, int wakeAtMost, Chunk chunk) {
    if (left == 0) {
      return true;
    }
    if (draining) {
      return false;
    }
    return left <= wakeAtMost
        || chunk.failure != null
        || chunk.machineryFailure != null
        || chunk.yielded;
  }

  /**
   * Wakes the threads waiting on {@link #changed}, if any. Completions are queued and counted
   * without a lock; a waiter registers in {@link #waiters} before it checks the queue and the
   * count, and a completing chunk checks {@code waiters} after it queued and counted: either the
   * waiter sees the change, or the chunk sees the waiter and signals it (under the lock, so not
   * before the waiter is waiting).
   */
  private void signalWaiters() {
    if (waiters > 0) {
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Completions (driver)

  /** Whether a completed chunk is waiting to be taken back. */
  boolean hasCompleted() {
    return !completions.isEmpty();
  }

  /**
   * Takes back a completed chunk, if one is there, without waiting. Keeps the interrupt flag (it is
   * set again if the driver was interrupted while joining threads of ended chunks).
   */
  @Nullable Chunk nextCompleted() {
    Chunk chunk = completions.poll();
    if (chunk == null) {
      return null;
    }
    driverInFlight--;
    if (chunk.size > 1) {
      severalInFlight--;
    }
    Thread thread = chunk.launchedThread;
    if (thread != null) {
      // The chunk has signalled its end; its thread terminates within microseconds. Joining it
      // now would make the driver wait for that before handing the results over: it is joined
      // when the call ends instead (or when too many are waiting to be joined).
      chunk.launchedThread = null;
      if (thread.isAlive()) {
        endedThreads.add(thread);
        if (endedThreads.size() >= MAX_UNJOINED) {
          endedThreads.removeIf(t -> !t.isAlive());
          if (endedThreads.size() >= MAX_UNJOINED / 2 && joinEndedThreads()) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
    return chunk;
  }

  /**
   * Waits until a chunk completes, or {@code nanos} pass ({@code -1}: no bound), or the call is
   * stopped. A helping driver instead runs a launched chunk that no pool thread has claimed, if
   * there is one. Returns at once if a completion is waiting already; may return spuriously.
   *
   * <p>From now on, a completing chunk wakes the driver only if it leaves at most {@code
   * wakeAtMost} chunks in flight (or none), or failed, or handed the rest of its items back; the
   * others wait in the queue of completions until then ({@link Integer#MAX_VALUE}: each completion
   * wakes it). A driver that needs no result before the end of the call, and has enough chunks in
   * flight to keep the threads busy, saves a wake-up (a context switch on a core that the chunks
   * could use) per chunk. A stop wakes it whatever the count.
   */
  @SuppressWarnings("WaitNotInLoop") // every caller loops
  void await(long nanos, int wakeAtMost) throws InterruptedException {
    this.wakeAtMost = wakeAtMost;
    if ((helping && helpOnce()) || !completions.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      waiters++;
      try {
        if (completions.isEmpty()) {
          if (nanos >= 0) {
            changed.await(nanos, TimeUnit.NANOSECONDS);
          } else {
            changed.await();
          }
        }
      } finally {
        waiters--;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the rest of the running chunks that stall and has it run on other threads: see {@link
   * Stalls#takeOverdueRests}. Driver only.
   *
   * @return the nanoseconds until another chunk may become overdue, or {@code -1} if none can
   */
  long stealFromOverdue(IntToLongFunction overdueAfter, Stalls.HandOn handOn) {
    return severalInFlight == 0
        ? -1
        : Stalls.takeOverdueRests(running, severalInFlight, overdueAfter, handOn);
  }

  /**
   * Splits running chunks for the threads that idle, fewer chunks being in flight than {@code
   * parallelism}: see {@link Stalls#splitForIdle}. Driver only.
   */
  void splitForIdle(int parallelism, int least, Stalls.HandOn handOn) {
    int idle = parallelism - driverInFlight;
    if (idle > 0 && severalInFlight > 0) {
      Stalls.splitForIdle(running, idle, least, handOn);
    }
  }

  /**
   * Runs, on the driver thread, the oldest launched chunk that no pool thread has started yet. Only
   * for a call made from inside a task of the same pool: the pool's threads may all be busy with
   * tasks that wait for this very call (a nested map on {@code Pool.threads(1)}), so the call must
   * be able to finish with no pool thread at all.
   *
   * @return whether a chunk was run
   */
  private boolean helpOnce() {
    Chunk chunk;
    while ((chunk = unclaimed.poll()) != null) {
      if (!chunk.isClaimed()) {
        runChunk(chunk, true);
        return true;
      }
    }
    return false;
  }

  /**
   * After {@link #stop()}: waits until no chunk is in flight, handing each completed chunk to
   * {@code process}. Gives up when {@code graceNanos} pass without any chunk ending (tasks that
   * ignore interruption). Not interruptible; keeps the interrupt flag.
   *
   * @return whether every chunk has ended ({@code false}: some are still running)
   */
  boolean drain(long graceNanos, Consumer<Chunk> process) {
    boolean interrupted = Thread.interrupted();
    long lastCompletion = System.nanoTime();
    boolean gaveUp = false;
    while (driverInFlight > 0 && !gaveUp) {
      if (helping) {
        // Queued chunks may never get a pool thread: claim them (they skip, being stopped).
        while (helpOnce()) {
          interrupted |= Thread.interrupted();
        }
      }
      if (inFlight.get() > 0) {
        // One wake-up when the last chunk ends (the stopped chunks end at about the same time),
        // rather than one per chunk; the grace period counts from the last chunk that ended.
        draining = true;
        lock.lock();
        try {
          waiters++;
          try {
            int seen = inFlight.get();
            while (seen > 0) {
              long left = Durations.saturatedAdd(lastCompletion, graceNanos) - System.nanoTime();
              if (left <= 0) {
                gaveUp = true;
                break;
              }
              try {
                changed.awaitNanos(left);
              } catch (InterruptedException e) {
                interrupted = true;
              }
              int now = inFlight.get();
              if (now < seen) {
                lastCompletion = System.nanoTime();
              }
              seen = now;
            }
          } finally {
            waiters--;
          }
        } finally {
          lock.unlock();
        }
      }
      lastCompletion = System.nanoTime();
      Chunk chunk;
      while ((chunk = nextCompleted()) != null) {
        // Cleared before processing, so that a join is not woken by a pending interrupt.
        interrupted |= Thread.interrupted();
        process.accept(chunk);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return !gaveUp;
  }

  /** Whether chunks are still running: after the call ended, ones it gave up waiting for. */
  boolean hasTasksInFlight() {
    return inFlight.get() > 0;
  }

  /** The threads made for running chunks alone (null launchedThread: a pool's shared thread). */
  List<Thread> threadsOfRunningChunks() {
    List<Thread> threads = new ArrayList<>();
    for (Chunk chunk : running) {
      Thread thread = chunk.launchedThread;
      if (thread != null) {
        threads.add(thread);
      }
    }
    return threads;
  }

  /** Adds to {@code report} where each chunk still running is: its item and its thread's stack. */
  void describeRunning(RuntimeException report) {
    for (Chunk chunk : running) {
      Thread thread;
      synchronized (chunk) {
        thread = chunk.runner;
      }
      if (thread != null) {
        long index = chunk.firstIndex + chunk.current;
        CallReports.StillRunning where =
            new CallReports.StillRunning(
                "item #" + index + " is still running on thread " + thread.getName());
        where.setStackTrace(thread.getStackTrace());
        report.addSuppressed(where);
      }
    }
  }

  /**
   * Joins the threads of ended chunks (each has finished its chunk and is terminating).
   *
   * @return whether the driver was interrupted meanwhile (the flag is left cleared)
   */
  boolean joinEndedThreads() {
    boolean interrupted = false;
    for (Thread thread : endedThreads) {
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    endedThreads.clear();
    return interrupted;
  }
}
