package dev.parmap;

import dev.parmap.observe.ChunkEvent;
import dev.parmap.observe.ContextPropagator;
import dev.parmap.observe.Progress;
import dev.parmap.observe.ProgressListener;
import dev.parmap.observe.RunStats;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.RandomAccess;
import java.util.Set;
import java.util.Spliterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One parallel call: reads the input, cuts it into chunks, launches them on the pool and hands the
 * results over in the promised order.
 *
 * <p><b>Threads.</b> One <em>driver</em> thread at a time (the caller of {@code map}, the consumer
 * of a stream, or the coordinator of {@code mapAsync}) reads the input, launches chunks and
 * consumes their completions; every field marked "driver only" is touched by it alone. Chunks run
 * on pool threads: each registers itself in {@code running} (a concurrent set, so that starting
 * chunks do not contend on a lock), and at its end queues itself in {@link #completions} and
 * signals {@link #changed} if someone waits (see {@link #signalWaiters}). {@link #stop} and {@link
 * #detachAndAwaitQuiescence} are safe from any thread.
 *
 * <p><b>Invariants.</b> {@code inFlight} counts chunks launched and not yet completed; a chunk's
 * {@code runner} is set exactly while a thread runs its items, and only then can it be interrupted
 * (both under the chunk's monitor, so a pool thread is never interrupted after it has moved on to
 * other work). Once {@code stopped} is set no chunk starts a new item. The driver returns or throws
 * only once {@code driverInFlight} (launched minus completions it has processed) is zero and every
 * per-chunk thread has been joined: nothing started by the call outlives it.
 *
 * <p><b>Window.</b> {@code outstanding} counts items read from the input and not yet handed over
 * (consumed from a stream, or completed for {@code map}/{@code forEach}); the driver reads no more
 * input while it is at {@code window}. That bounds the memory held for items and buffered results.
 */
final class Run<T extends @Nullable Object, R extends @Nullable Object> {

  enum Mode {
    /** Ordered results collected into a list. */
    LIST,
    /** No results. */
    FOR_EACH,
    /** Results streamed in input order. */
    ORDERED,
    /** Results streamed in completion order. */
    UNORDERED
  }

  /** The largest list parmap can return (the usual JDK limit for array sizes). */
  static final long MAX_LIST_SIZE = Integer.MAX_VALUE - 8;

  /** Threads of ended chunks kept, at most, before they are joined. */
  private static final int MAX_UNJOINED = 1024;

  /** Bound on the indexes a {@link DeadlineExceededException} lists. */
  private static final int MAX_REPORTED_UNFINISHED = 1000;

  /** Bound on the suppressed failures attached to the primary one. */
  private static final int MAX_SUPPRESSED = 16;

  private final Pool pool;
  private final Launcher launcher;
  private final Task<@Nullable Object, @Nullable Object> task;
  private final Mode mode;
  private final MapOptions options;

  /** Whether items report {@link Outcome}s instead of failing the call fast. */
  private final boolean outcomes;

  private final @Nullable Attempts attempts;
  private final @Nullable ScheduledThreadPoolExecutor timer;
  private final @Nullable ThreadRegistry timerThreads;
  private final long deadlineAt; // System.nanoTime(); Long.MAX_VALUE for none
  private final List<ContextPropagator.Snapshot> context;
  private final @Nullable ProgressListener listener;
  private final boolean chunkEvents;
  private final StatsRecorder stats;
  private final String what;
  private final boolean blocking;
  private final long window;
  private final ChunkSizer sizer;

  // The input (driver only).
  private final @Nullable List<?> list;
  private final @Nullable Iterable<?> iterable;
  private @Nullable Iterator<?> iterator; // from iterable, at the first read
  private final long knownSize;
  private long nextIndex;
  private boolean exhausted;

  private final @Nullable Object @Nullable [] sharedResults;
  private final @Nullable ArrayList<Chunk> listChunks;

  // Shared with the chunks: guarded by lock, except the volatile flags.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ConcurrentLinkedQueue<Chunk> completions = new ConcurrentLinkedQueue<>();
  private volatile int waiters; // threads waiting on changed; written under lock
  private volatile boolean draining; // the driver waits for the last chunk, not for each
  private final Set<Chunk> running = ConcurrentHashMap.newKeySet();
  private final Set<Thread> permitWaiters = new HashSet<>();
  private final Set<Thread> interruptedWaiters = new HashSet<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean detached;
  private volatile boolean stopped;
  private volatile boolean chunkFailed;
  private volatile @Nullable String abortReason;
  private volatile @Nullable DeadlineExceededException deadlinePassed; // per-item cause

  // Driver only.
  private final ArrayDeque<Chunk> batch = new ArrayDeque<>();
  private final ArrayDeque<Chunk> pending = new ArrayDeque<>();
  private final boolean helping;
  private final ArrayDeque<Chunk> unclaimed = new ArrayDeque<>();
  private final ArrayList<Thread> endedThreads = new ArrayList<>(); // chunk ended, to be joined
  private int driverInFlight;
  private long outstanding;
  private long lastProgressNanos;
  private @Nullable RuntimeException failure;
  private @Nullable Error fatal;
  private boolean finished;
  private long finishedItems;
  private final List<Long> unfinished = new ArrayList<>(); // after the deadline, the first ones
  private long unfinishedCount;
  private @Nullable ParmapException stuck;
  private boolean began;
  private long nextProgressAt;
  private @Nullable RuntimeException listenerFailure; // from onFinish, thrown after the call

  /**
   * A call of {@code task} on {@code items}. With {@code outcomes}, the results handed over are
   * {@link Outcome}s of the task's results ({@code R} is then {@code Outcome<T, ?>}); otherwise
   * they are the task's results.
   */
  @SuppressWarnings("unchecked")
  Run(
      Pool pool,
      Iterable<? extends T> items,
      Task<? super T, ?> task,
      Mode mode,
      String what,
      boolean blocking,
      MapOptions options,
      boolean outcomes) {
    this.pool = pool;
    this.launcher = pool.launcher();
    this.task = (Task<@Nullable Object, @Nullable Object>) task;
    this.mode = mode;
    this.what = what;
    this.blocking = blocking;
    this.options = options;
    this.outcomes = outcomes;
    int concurrency = options.maxConcurrency().orElse(Integer.MAX_VALUE);
    this.sizer =
        new ChunkSizer(
            Math.min(launcher.parallelism, concurrency),
            Math.min(launcher.maxInFlight, concurrency));
    if (options.timeout().isPresent()) {
      this.timerThreads = new ThreadRegistry(pool.threadPrefix() + "timer-");
      ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, timerThreads);
      scheduler.setRemoveOnCancelPolicy(true); // alarms of finished attempts do not pile up
      // The thread also ends when idle, so a stream dropped unclosed does not keep it forever.
      scheduler.setKeepAliveTime(1, TimeUnit.SECONDS);
      scheduler.allowCoreThreadTimeOut(true);
      this.timer = scheduler;
    } else {
      this.timerThreads = null;
      this.timer = null;
    }
    this.attempts = options.hasItemPolicies() ? new Attempts(options, timer, () -> stopped) : null;
    List<ContextPropagator.Snapshot> captured = new ArrayList<>();
    for (ContextPropagator propagator : options.propagators()) {
      captured.add(propagator.capture()); // on the calling thread
    }
    this.context = List.copyOf(captured);
    this.listener = options.listener().orElse(null);
    this.chunkEvents = listener != null && listener.wantsChunks();
    long now = System.nanoTime();
    this.stats = new StatsRecorder(what, sizer.parallelism(), now);
    this.deadlineAt =
        options
            .deadline()
            .map(d -> saturatedAdd(now, Durations.saturatedNanos(d)))
            .orElse(Long.MAX_VALUE);
    if (mode == Mode.LIST && items instanceof Collection<?> sized && sized.size() > MAX_LIST_SIZE) {
      throw tooManyResults(what); // refused before anything is read or allocated
    }
    if (items instanceof List<?> l && items instanceof RandomAccess) {
      this.list = l;
      this.iterable = null;
      this.knownSize = l.size();
    } else {
      this.list = null;
      this.iterable = items;
      this.knownSize = items instanceof Collection<?> c ? c.size() : -1;
    }
    boolean random = list != null;
    if (mode == Mode.LIST && random) {
      this.sharedResults = new Object[(int) knownSize];
      this.listChunks = null;
    } else {
      this.sharedResults = null;
      this.listChunks = mode == Mode.LIST ? new ArrayList<>() : null;
    }
    // Items of a random-access list are in memory already, and so are map's results: the window
    // only matters where the call would otherwise hold items or results of its own.
    boolean holdsNothingExtra = random && (mode == Mode.LIST || mode == Mode.FOR_EACH);
    this.window = holdsNothingExtra ? Long.MAX_VALUE : pool.window();
    this.lastProgressNanos = now;
    this.helping = pool.isRunningTaskOnCurrentThread();
  }

  private static ParmapException tooManyResults(String what) {
    return new ParmapException(
        what
            + " cannot return more than "
            + MAX_LIST_SIZE
            + " results in a list; use Pool.stream or Pool.forEach for inputs this large",
        null);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  // ---------------------------------------------------------------------------------------------
  // Entry points (driver)

  /** Runs the call to the end and returns the results in input order. */
  List<R> toList() {
    drive();
    throwListenerFailure();
    return assemble();
  }

  /** Runs the call to the end, dropping results. */
  void runAll() {
    drive();
    throwListenerFailure();
  }

  private void throwListenerFailure() {
    RuntimeException thrown = listenerFailure;
    if (thrown != null) {
      throw thrown;
    }
  }

  /** Tells the listener that the call starts (once, on the driver). */
  private void begin() {
    if (began) {
      return;
    }
    began = true;
    ProgressListener follower = listener;
    if (follower != null) {
      long total = list != null || knownSize >= 0 ? knownSize : -1;
      notifyListener(() -> follower.onStart(what, total));
      nextProgressAt = stats.startNanos() + Durations.saturatedNanos(options.progressInterval());
    }
  }

  /** Calls the listener; if it throws, the call stops and fails with that cause. */
  private void notifyListener(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      fail(new ParmapException(what + ": its progress listener threw " + e, e), e);
    }
  }

  private void drive() {
    begin();
    try {
      while (true) {
        dispatch();
        if (failure != null || fatal != null || stopped) {
          break;
        }
        if (driverInFlight == 0) {
          if (!exhausted) {
            throw new IllegalStateException("parmap bug: call stalled with input left");
          }
          break; // input exhausted and everything completed
        }
        awaitEvents();
      }
      finishOrThrow();
    } catch (InterruptedException e) {
      interrupted(e);
    } catch (RuntimeException | Error e) {
      // The call's own failure (already drained), or something unexpected on the driver (such as
      // an OutOfMemoryError): either way nothing of the call may outlive it.
      stop(null);
      drain();
      throw e;
    } finally {
      end();
    }
  }

  /** A spliterator whose traversal drives the call; closing its stream must call {@link #close}. */
  Spliterator<R> spliterator() {
    return new Results();
  }

  /** Cancels the call if it is still running and waits for its tasks (from the driver thread). */
  void close() {
    if (finished) {
      return;
    }
    try {
      stop(null);
      drain();
      ParmapException abandoned = stuck;
      if (abandoned != null) {
        throw abandoned;
      }
    } finally {
      end();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Thread-safe control

  /**
   * Stops the call: no new item starts and running tasks are interrupted. A non-null {@code reason}
   * makes the call fail with it (when the pool is terminated, for instance).
   */
  void stop(@Nullable String reason) {
    if (reason != null && abortReason == null) {
      abortReason = reason;
    }
    stopped = true;
    for (Chunk chunk : running) {
      synchronized (chunk) {
        Thread runner = chunk.runner;
        if (runner != null && !chunk.interruptedByStop) {
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

  /**
   * Prevents new launches (the pool was closed), waits until no chunk is in flight, and stops the
   * timeout alarms' thread: no attempt can start any more, and close() promises the pool's threads
   * have ended (a stream dropped unclosed would otherwise keep it for its keep-alive time).
   */
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
    stopTimer();
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

  /** Whether the driver blocks a caller for the whole call (not a stream). */
  boolean isBlocking() {
    return blocking;
  }

  // ---------------------------------------------------------------------------------------------
  // Chunks (pool threads)

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
      boolean start = permit || inline || !launcher.limitsConcurrency();
      if (start) {
        // Registered before reading the flag, as stop() sets the flag before reading the set:
        // either this thread sees the stop, or stop() sees this chunk and interrupts it.
        synchronized (chunk) {
          chunk.runner = Thread.currentThread();
        }
        running.add(chunk);
        start = !stopped;
      }
      if (start) {
        Pool outer = pool.enterTask();
        try {
          if (context.isEmpty()) {
            execute(chunk);
          } else {
            executeInContext(chunk);
          }
        } finally {
          pool.exitTask(outer);
        }
      }
      synchronized (chunk) {
        if (chunk.runner != null) {
          chunk.runner = null;
          if (chunk.interruptedByStop) {
            Thread.interrupted(); // ours: do not leave it on a pool thread that moves on
          }
        }
      }
      running.remove(chunk);
      completions.add(chunk); // queued before it stops counting: at zero, every chunk is queued
      if (inFlight.decrementAndGet() == 0 || !draining) {
        signalWaiters(); // a draining driver waits for the last chunk only
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
      if (stopped || chunk.isClaimed()) {
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

  private void execute(Chunk chunk) {
    Thread self = Thread.currentThread();
    chunk.threadName = self.getName();
    chunk.virtualThread = self.isVirtual();
    long started = System.nanoTime();
    chunk.startNanos = started;
    chunk.done = attempts == null && !outcomes ? runPlain(chunk) : runWithPolicies(chunk);
    chunk.nanos = System.nanoTime() - started;
  }

  /** Runs the chunk with the caller's context applied, and undoes it afterwards. */
  private void executeInContext(Chunk chunk) {
    ArrayDeque<ContextPropagator.Scope> scopes = new ArrayDeque<>(context.size());
    try {
      for (ContextPropagator.Snapshot snapshot : context) {
        scopes.push(snapshot.apply());
      }
      execute(chunk);
    } catch (RuntimeException e) { // applying the context failed: the chunk's first item fails
      chunk.threadName = Thread.currentThread().getName();
      chunk.done = 0;
      itemFailed(chunk, 0, chunk.item(0), List.of(e), 0, e, 0);
    } finally {
      ContextPropagator.Scope scope;
      while ((scope = scopes.poll()) != null) {
        scope.close();
      }
    }
  }

  /** The hot loop: no policies, fail fast. Returns the number of items done. */
  private int runPlain(Chunk chunk) {
    @Nullable Object[] out = chunk.results;
    int offset = chunk.resultOffset;
    int i = 0;
    try {
      for (; i < chunk.size; i++) {
        if (stopped) {
          break;
        }
        chunk.current = i;
        Object result = task.apply(chunk.item(i));
        if (out != null) {
          out[offset + i] = result;
        }
      }
    } catch (Throwable e) { // every failure is reported: Errors included
      itemFailed(chunk, i, null, List.of(e), 1, e, 0);
    }
    return i;
  }

  /** Items under retry/timeout/rate limit, or reported as outcomes. */
  private int runWithPolicies(Chunk chunk) {
    Attempts policy = attempts;
    @Nullable Object[] out = chunk.results;
    int offset = chunk.resultOffset;
    int i = 0;
    for (; i < chunk.size; i++) {
      if (stopped) {
        break;
      }
      chunk.current = i;
      Object item = chunk.item(i);
      long index = chunk.firstIndex + i;
      long begin = System.nanoTime();
      Object result;
      try {
        if (policy != null) {
          result = policy.run(task, item, index, chunk);
        } else {
          chunk.attempts = 1;
          result = task.apply(item);
        }
      } catch (Attempts.Failed f) {
        if (itemFailed(chunk, i, item, f.failures, f.attempts, f.last, f.nanos)) {
          continue;
        }
        return i;
      } catch (Throwable e) { // every failure is reported: Errors included
        if (itemFailed(chunk, i, item, List.of(e), 1, e, System.nanoTime() - begin)) {
          continue;
        }
        return i;
      }
      if (out != null) {
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        out[offset + i] =
            outcomes ? new Outcome.Success<>(item, index, chunk.attempts, took, result) : result;
      }
    }
    return i;
  }

  /**
   * Records that item {@code i} of the chunk failed for good: {@code attempts} attempts ran, {@code
   * failures} is what they threw, {@code last} what ended the item.
   *
   * @return whether the chunk goes on with its next item (outcomes are collected)
   */
  private boolean itemFailed(
      Chunk chunk,
      int i,
      @Nullable Object item,
      List<Throwable> failures,
      int attempts,
      Throwable last,
      long nanos) {
    boolean consequence;
    synchronized (chunk) {
      // An interruption after parmap interrupted the chunk is a consequence of the stop, not news.
      consequence = chunk.interruptedByStop && causedByInterruption(last);
    }
    chunk.retries += Math.max(0, attempts - 1);
    if (outcomes) {
      if (consequence) {
        chunk.cutAttempts = attempts; // the deadline, if that was it, reports the item
        return false;
      }
      chunk.failedItems++;
      @Nullable Object[] out = chunk.results;
      if (out != null) {
        out[chunk.resultOffset + i] =
            new Outcome.Failure<>(
                item, chunk.firstIndex + i, attempts, Duration.ofNanos(nanos), last);
      }
      return true;
    }
    chunk.failure = last;
    chunk.failures = failures.isEmpty() ? List.of(last) : failures;
    chunk.failedItems++;
    chunk.failedOnItsOwn = !consequence;
    stopped = true; // fail fast: from now on no item starts, in any chunk
    chunkFailed = true;
    return false;
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

  // ---------------------------------------------------------------------------------------------
  // Dispatch (driver)

  private void dispatch() {
    while (!stopped && !exhausted && failure == null && fatal == null) {
      if (driverInFlight >= sizer.inFlightCap() || outstanding >= window) {
        return;
      }
      if (deadlineAt != Long.MAX_VALUE && System.nanoTime() - deadlineAt >= 0) {
        deadlineReached();
        return;
      }
      long remaining = knownSize >= 0 ? Math.max(0, knownSize - nextIndex) : -1;
      int size = (int) Math.min(sizer.nextSize(remaining), window - outstanding);
      Chunk chunk = read(size);
      if (chunk == null || !launch(chunk)) {
        return;
      }
    }
  }

  private @Nullable Chunk read(int want) {
    long first = nextIndex;
    if (list != null) {
      long left = knownSize - first;
      if (left <= 0) {
        exhausted = true;
        return null;
      }
      int size = (int) Math.min(want, left);
      nextIndex += size;
      if (nextIndex == knownSize) {
        exhausted = true;
      }
      return Chunk.ofList(
          first, size, list, resultsFor(size), sharedResults != null ? (int) first : 0);
    }
    Iterator<?> source = iterator;
    if (source == null) {
      Iterable<?> items = iterable;
      if (items == null) {
        throw new IllegalStateException("a run reads from a list or an iterable");
      }
      try {
        source = items.iterator();
      } catch (Throwable e) { // reported like any input failure
        exhausted = true;
        fail(new InputFailedException(0, e), e);
        return null;
      }
      iterator = source;
    }
    @Nullable Object[] items = new Object[want];
    int n = 0;
    try {
      while (n < want) {
        if (!source.hasNext()) {
          exhausted = true;
          break;
        }
        items[n] = source.next();
        n++;
      }
    } catch (Throwable e) { // the input's failure fails the call, as a task's would
      exhausted = true;
      fail(new InputFailedException(first + n, e), e);
      return null;
    }
    if (n == 0) {
      return null;
    }
    if (mode == Mode.LIST && first + n > MAX_LIST_SIZE) {
      exhausted = true;
      failure = tooManyResults(what);
      return null;
    }
    nextIndex += n;
    if (n < want) {
      items = Arrays.copyOf(items, n);
    }
    return Chunk.ofItems(first, n, items, resultsFor(n));
  }

  private @Nullable Object @Nullable [] resultsFor(int size) {
    if (mode == Mode.FOR_EACH) {
      return null;
    }
    return sharedResults != null ? sharedResults : new Object[size];
  }

  private boolean launch(Chunk chunk) {
    // Counted before reading the flag, as detachAndAwaitQuiescence() sets the flag before reading
    // the count: either this launch sees the pool closed, or close() waits for this chunk.
    inFlight.incrementAndGet();
    if (detached) {
      uncount();
      failure =
          new IllegalStateException(
              "the pool was closed before this stream was consumed: consume or close result"
                  + " streams before closing their pool");
      return false;
    }
    try {
      chunk.launchedThread = launcher.launch(() -> runChunk(chunk, false), !helping);
    } catch (RuntimeException | OutOfMemoryError e) { // rejected, or no thread could be created
      uncount();
      fail(new ParmapException(what + " could not start a task on " + pool + ": " + e, e), e);
      return false;
    }
    driverInFlight++;
    outstanding += chunk.size;
    if (helping) {
      unclaimed.add(chunk);
    }
    if (mode == Mode.ORDERED) {
      pending.add(chunk);
    } else if (listChunks != null) {
      listChunks.add(chunk);
    }
    return true;
  }

  /** Takes back the count of a chunk that was not launched after all. */
  private void uncount() {
    inFlight.decrementAndGet();
    signalWaiters();
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

  /** Moves the queued completions to the driver's batch. */
  private void takeCompletions() {
    Chunk chunk;
    while ((chunk = completions.poll()) != null) {
      batch.add(chunk);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Completions (driver)

  /**
   * Waits until at least one chunk completes (or a probe interval passes), then processes. A
   * spurious wake-up just returns with nothing processed: every caller loops.
   */
  @SuppressWarnings("WaitNotInLoop")
  private void awaitEvents() throws InterruptedException {
    long wait = sizer.costUnknown() && !exhausted && !stopped ? ChunkSizer.TARGET_NANOS : -1;
    if (deadlineAt != Long.MAX_VALUE && !stopped) {
      long left = deadlineAt - System.nanoTime();
      if (left <= 0) {
        deadlineReached();
        return;
      }
      wait = wait < 0 ? left : Math.min(wait, left);
    }
    boolean helped = helping && helpOnce();
    if (completions.isEmpty() && !helped) {
      lock.lock();
      try {
        waiters++;
        try {
          if (completions.isEmpty()) {
            if (wait >= 0) {
              changed.await(wait, TimeUnit.NANOSECONDS);
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
    if (deadlineAt != Long.MAX_VALUE && !stopped && System.nanoTime() - deadlineAt >= 0) {
      deadlineReached();
    }
    takeCompletions();
    if (batch.isEmpty()) {
      sizer.noProgressFor(System.nanoTime() - lastProgressNanos);
      return;
    }
    processBatch();
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

  /** Processes the completions that are already there, without waiting. */
  private void pollEvents() {
    takeCompletions();
    processBatch();
  }

  private void processBatch() {
    Chunk chunk;
    boolean interrupted = false;
    while ((chunk = batch.poll()) != null) {
      interrupted |= process(chunk);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns whether the driver was interrupted while joining threads of ended chunks. */
  private boolean process(Chunk chunk) {
    boolean interrupted = false;
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
          if (endedThreads.size() >= MAX_UNJOINED / 2) {
            interrupted |= joinEndedThreads();
          }
        }
      }
    }
    driverInFlight--;
    chunk.completed = true;
    lastProgressNanos = System.nanoTime();
    Throwable error = chunk.failure;
    if (error == null) {
      if (chunk.done > 0) {
        sizer.completed(chunk.done, chunk.nanos);
      }
    } else if (chunk.failedOnItsOwn) {
      long index = chunk.firstIndex + chunk.done;
      List<Throwable> failures = chunk.failures;
      fail(
          new TaskFailedException(
              index, itemOf(chunk), failures != null ? failures : List.of(error)),
          error);
    }
    finishedItems += chunk.done;
    stats.record(chunk);
    ProgressListener follower = listener;
    if (follower != null) {
      if (chunkEvents && chunk.threadName != null) {
        ChunkEvent event = stats.event(chunk);
        notifyListener(() -> follower.onChunk(event));
      }
      long now = System.nanoTime();
      if (now - nextProgressAt >= 0) {
        nextProgressAt = now + Durations.saturatedNanos(options.progressInterval());
        Progress progress = stats.progress(progressTotal(), now);
        notifyListener(() -> follower.onProgress(progress));
      }
    }
    DeadlineExceededException cut = deadlinePassed;
    if (cut != null && chunk.done < chunk.size) {
      cutShort(chunk, cut);
    }
    chunk.items = null; // the items are not needed any more: let them go
    switch (mode) {
      case LIST, FOR_EACH -> outstanding -= chunk.size;
      case UNORDERED -> {
        outstanding -= chunk.size - chunk.done;
        if (chunk.done > 0) {
          pending.add(chunk);
        }
      }
      case ORDERED -> outstanding -= chunk.size - chunk.done;
    }
    return interrupted;
  }

  /**
   * Records the items of a chunk that the deadline kept from finishing; with outcomes, fills their
   * slots with failures so that the chunk counts as done.
   */
  private void cutShort(Chunk chunk, DeadlineExceededException cut) {
    @Nullable Object[] out = outcomes ? chunk.results : null;
    for (int k = chunk.done; k < chunk.size; k++) {
      long index = chunk.firstIndex + k;
      if (unfinished.size() < MAX_REPORTED_UNFINISHED) {
        unfinished.add(index);
      }
      unfinishedCount++;
      if (out != null) {
        int attemptsRun = k == chunk.done ? chunk.cutAttempts : 0;
        out[chunk.resultOffset + k] =
            new Outcome.Failure<>(chunk.item(k), index, attemptsRun, Duration.ZERO, cut);
      }
    }
    if (out != null) {
      chunk.done = chunk.size;
    }
  }

  private @Nullable Object itemOf(Chunk chunk) {
    // Items are released once processed; the failed item is needed for the report.
    try {
      return chunk.item(chunk.done);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The deadline has passed: no further item starts, and the running ones are interrupted. */
  private void deadlineReached() {
    Duration deadline = options.deadline().orElseThrow();
    if (deadlinePassed == null) {
      deadlinePassed = new DeadlineExceededException(what, deadline);
    }
    stop(null);
  }

  /** Records a failure: the first one becomes the call's, later ones its suppressed. */
  private void fail(RuntimeException report, Throwable cause) {
    if (failure == null && fatal == null) {
      if (cause instanceof VirtualMachineError vm && !(cause instanceof StackOverflowError)) {
        fatal = vm;
        vm.addSuppressed(report);
      } else {
        failure = report;
      }
      stop(null);
    } else {
      Throwable primary = fatal != null ? fatal : failure;
      if (primary != null && primary.getSuppressed().length < MAX_SUPPRESSED) {
        primary.addSuppressed(report);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Ending (driver)

  /** Waits until no chunk is in flight, processing completions; keeps the interrupt flag. */
  private void drain() {
    boolean interrupted = Thread.interrupted();
    long grace = Durations.saturatedNanos(options.cancellationGrace());
    long lastCompletion = System.nanoTime();
    while (driverInFlight > 0 && stuck == null) {
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
              long left = lastCompletion + grace - System.nanoTime();
              if (left <= 0) {
                stuck = stuckReport();
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
      takeCompletions();
      // Items released by process() are not needed any more; failures after stop are ignored.
      Chunk chunk;
      while ((chunk = batch.poll()) != null) {
        interrupted |= Thread.interrupted();
        // Before processing, so that join() is not woken by a pending interrupt.
        interrupted |= process(chunk);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Tasks that ignored interruption for the whole grace period: the call gives up on them. Java
   * cannot stop a thread; the report shows where each one is stuck.
   */
  private ParmapException stuckReport() {
    ParmapException report =
        new ParmapException(
            what
                + " gave up waiting for tasks that ignore interruption: after "
                + options.cancellationGrace()
                + " they are still running (their threads are left behind; see the suppressed"
                + " exceptions for where each one is)",
            null);
    for (Chunk chunk : running) {
      Thread thread;
      synchronized (chunk) {
        thread = chunk.runner;
      }
      if (thread != null) {
        long index = chunk.firstIndex + chunk.current;
        ParmapException where =
            new ParmapException(
                "item #" + index + " is still running on thread " + thread.getName(), null);
        where.setStackTrace(thread.getStackTrace());
        report.addSuppressed(where);
      }
    }
    return report;
  }

  /**
   * After the main loop: drains, then throws the call's failure if there is one. Returns normally
   * when there is none, or when the deadline passed and the outcomes report it.
   */
  private void finishOrThrow() {
    if (failure == null && fatal == null && !stopped) {
      return;
    }
    stop(null);
    drain();
    ParmapException abandoned = stuck;
    Throwable primary = fatal != null ? fatal : failure;
    if (abandoned != null) {
      if (primary != null) {
        abandoned.addSuppressed(primary);
      }
      throw abandoned;
    }
    if (fatal != null) {
      throw fatal;
    }
    RuntimeException report = failure;
    if (report == null && deadlinePassed != null) {
      if (outcomes) {
        return; // each unfinished item's outcome says so
      }
      report =
          new DeadlineExceededException(
              what, options.deadline().orElseThrow(), finishedItems, unfinished, unfinishedCount);
    }
    if (report == null) {
      String reason = abortReason;
      report =
          new ParmapException(
              what + " was stopped: " + (reason != null ? reason : "it was cancelled"), null);
    }
    throw report;
  }

  private void interrupted(InterruptedException e) {
    try {
      stop(null);
      drain();
      Thread.currentThread().interrupt();
      CallInterruptedException report = new CallInterruptedException(what, e);
      Throwable earlier = fatal != null ? fatal : failure;
      if (earlier != null) {
        report.addSuppressed(earlier); // a task had failed before the interrupt: keep it
      }
      if (stuck != null) {
        report.addSuppressed(stuck);
      }
      throw report;
    } finally {
      end();
    }
  }

  /**
   * Joins the threads of ended chunks (each has finished its chunk and is terminating).
   *
   * @return whether the driver was interrupted meanwhile (the flag is left cleared)
   */
  private boolean joinEndedThreads() {
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

  private void end() {
    if (!finished) {
      finished = true;
      if (joinEndedThreads()) {
        Thread.currentThread().interrupt();
      }
      stopTimer();
      pool.deregister(this);
      long now = System.nanoTime();
      RunStats result = stats.finish(now, ending());
      pool.recordStats(result);
      ProgressListener follower = listener;
      if (follower != null && began) {
        try {
          follower.onProgress(stats.progress(progressTotal(), now));
        } catch (RuntimeException e) {
          listenerThrew(e);
        }
        try {
          follower.onFinish(result); // even if onProgress threw: it may hold a resource
        } catch (RuntimeException e) {
          listenerThrew(e);
        }
      }
    }
  }

  private RunStats.Ending ending() {
    if (failure != null || fatal != null) {
      return RunStats.Ending.FAILED;
    } else if (deadlinePassed != null) {
      return RunStats.Ending.DEADLINE_EXCEEDED;
    } else if (stopped) {
      return RunStats.Ending.CANCELLED;
    }
    return RunStats.Ending.COMPLETED;
  }

  /** A listener threw after the call ended: thrown if the call ends normally, else suppressed. */
  private void listenerThrew(RuntimeException e) {
    Throwable primary = fatal != null ? fatal : failure;
    if (primary != null) {
      primary.addSuppressed(e);
    } else if (listenerFailure == null) {
      listenerFailure = e;
    } else {
      listenerFailure.addSuppressed(e);
    }
  }

  private long progressTotal() {
    return list != null || knownSize >= 0 ? knownSize : -1;
  }

  /** Stops the timeout alarms' thread and waits until it has terminated. */
  private void stopTimer() {
    ScheduledThreadPoolExecutor scheduler = timer;
    ThreadRegistry threads = timerThreads;
    if (scheduler == null || threads == null) {
      return;
    }
    scheduler.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        if (scheduler.awaitTermination(1, TimeUnit.DAYS)) {
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

  /**
   * Items and results are stored as {@code Object}s; they are of the user's types, which may be
   * nullable: the cast is safe by construction.
   */
  @SuppressWarnings({"unchecked", "NullAway", "TypeParameterUnusedInFormals"})
  private static <X extends @Nullable Object> X cast(@Nullable Object value) {
    return (X) value;
  }

  /**
   * Whether every item of the input is accounted for: true unless the deadline ended the call
   * before an input of unknown size was read to its end.
   */
  boolean complete() {
    return deadlinePassed == null || (outcomes && knownSize >= 0 && mode == Mode.LIST);
  }

  /**
   * After the deadline, with outcomes, reads the rest of a collection (its size is known, it is in
   * memory) to report its items as cut short. Stops quietly if the iterator fails.
   */
  private List<Outcome.Failure<?, ?>> readTheRest(DeadlineExceededException cut) {
    List<Outcome.Failure<?, ?>> rest = new ArrayList<>();
    try {
      Iterator<?> source = iterator;
      if (source == null) {
        Iterable<?> items = iterable;
        if (items == null) {
          return rest;
        }
        source = items.iterator();
      }
      long index = nextIndex;
      while (index < knownSize && source.hasNext()) {
        rest.add(new Outcome.Failure<>(source.next(), index++, 0, Duration.ZERO, cut));
      }
    } catch (RuntimeException e) {
      // The input failed while being read for the report: what was read is reported.
    }
    return rest;
  }

  private List<R> assemble() {
    @Nullable Object[] all = sharedResults;
    DeadlineExceededException cut = deadlinePassed;
    if (all != null && cut != null && outcomes && list != null) {
      // The rest of a list was never read: its items are reported as cut short too.
      for (long index = nextIndex; index < knownSize; index++) {
        all[(int) index] =
            new Outcome.Failure<>(list.get((int) index), index, 0, Duration.ZERO, cut);
      }
    }
    if (all == null) {
      ArrayList<Chunk> chunks = listChunks;
      if (chunks == null) {
        throw new IllegalStateException("only map runs assemble a list");
      }
      List<Outcome.Failure<?, ?>> unread =
          cut != null && outcomes && knownSize >= 0 ? readTheRest(cut) : List.of();
      all = new Object[(int) nextIndex + unread.size()];
      int at = 0;
      for (Chunk chunk : chunks) {
        @Nullable Object[] part = chunk.results;
        if (part != null) {
          System.arraycopy(part, 0, all, at, chunk.size);
        }
        at += chunk.size;
      }
      chunks.clear();
      for (Outcome.Failure<?, ?> failed : unread) {
        all[at++] = failed;
      }
    }
    @SuppressWarnings("unchecked")
    List<R> results = (List<R>) Collections.unmodifiableList(Arrays.asList(all));
    return results;
  }

  // ---------------------------------------------------------------------------------------------
  // Streams (driver: the consumer's thread)

  private final class Results implements Spliterator<R> {
    private @Nullable Chunk current;
    private boolean wound;

    @Override
    @SuppressWarnings("unchecked")
    public boolean tryAdvance(Consumer<? super R> action) {
      if (finished) {
        return false;
      }
      begin();
      try {
        while (true) {
          if (chunkFailed) {
            pollEvents(); // a task failed: surface it now, not when its item reaches the head
          }
          if (!wound && (failure != null || fatal != null || stopped)) {
            finishOrThrow(); // returns only when outcomes report a passed deadline
            wound = true; // then hand over what is buffered, and end
          }
          Chunk chunk = current;
          if (chunk != null && chunk.consumed < chunk.done) {
            R result = Run.<R>cast(chunk.takeResult(chunk.consumed++));
            outstanding--;
            deliver(action, result);
            return true;
          }
          current = null;
          pollEvents();
          dispatch(); // keep the pool busy while the consumer works on what is ready
          if (!wound && (failure != null || fatal != null || stopped)) {
            continue;
          }
          Chunk next = nextReady();
          if (next != null) {
            current = next;
          } else if (driverInFlight > 0) {
            awaitEvents();
          } else {
            if (!exhausted && !wound) {
              throw new IllegalStateException("parmap bug: stream stalled with input left");
            }
            end();
            return false;
          }
        }
      } catch (InterruptedException e) {
        interrupted(e);
        return false; // not reached: interrupted() throws
      } catch (RuntimeException | Error e) {
        close();
        throw e;
      }
    }

    private @Nullable Chunk nextReady() {
      Chunk head = pending.peekFirst();
      if (head == null) {
        return null;
      }
      if (mode == Mode.UNORDERED || head.completed) {
        return pending.pollFirst();
      }
      return null;
    }

    private void deliver(Consumer<? super R> action, R result) {
      // If the consumer throws, the catch in tryAdvance cancels the rest before it leaves.
      action.accept(result);
    }

    @Override
    public @Nullable Spliterator<R> trySplit() {
      return null; // the parallelism is inside the call; the stream itself is sequential
    }

    @Override
    public long estimateSize() {
      return Long.MAX_VALUE;
    }

    @Override
    public int characteristics() {
      return mode == Mode.ORDERED ? ORDERED : 0;
    }
  }
}
