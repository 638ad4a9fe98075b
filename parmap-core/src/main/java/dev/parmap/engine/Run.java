package dev.parmap.engine;

import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallStats;
import java.util.List;
import java.util.Spliterator;
import org.jspecify.annotations.Nullable;

/**
 * One parallel call: the coordinator that ties the engine's parts together. It reads the {@link
 * Input} in chunks sized by the {@link ChunkSizer}, has the {@link Dispatch} run them on the pool
 * (each chunk's items run by the {@link ItemRunner}), records failures in {@link Failures}, stops
 * at the deadline (watched by a {@link DeadlineWatch}), reports to the listener through the {@link
 * Observation}, and hands the results over in the promised order.
 *
 * <p><b>Threads.</b> One <em>driver</em> thread at a time (the caller of {@code map}, the consumer
 * of a stream, or the coordinator of {@code mapAsync}) reads the input, launches chunks and
 * processes their completions; every field marked "driver only" is touched by it alone. {@link
 * #stop} and {@link #detachAndAwaitQuiescence} are safe from any thread; a chunk whose item fails
 * and the deadline watch stop the call from their own threads.
 *
 * <p><b>Ending.</b> The driver returns or throws only once no chunk is in flight and every
 * per-chunk thread has been joined: nothing started by the call outlives it.
 *
 * <p><b>Window.</b> The {@link Feed} reads no more input while the items read and not yet handed
 * over reach the call's window: that bounds the memory held for items and buffered results.
 */
public final class Run<T extends @Nullable Object, R extends @Nullable Object>
    implements ItemRunner.Control, Feed.Call {

  private final PoolContext pool;
  private final Mode mode;
  private final CallOptions options;
  private final CallReports reports;

  /** Whether items report outcomes instead of failing the call fast. */
  private final boolean outcomes;

  private final Deadline deadline;
  private final @Nullable FailureBudgetCount budget; // calls that report outcomes only
  private final Observation observation;
  private final ChunkSizer sizer;

  private final Input input; // driver only

  private final Sink sink; // driver only

  private final Dispatch dispatch;
  private final Feed feed;
  private final WorkerResources resources; // closed once nothing of the call runs
  private final StopFlag stopFlag = new StopFlag();

  // Shared with the chunks and the deadline watch.
  private volatile boolean chunkFailed;
  private volatile @Nullable String abortReason;

  // Driver only.
  private long lastProgressNanos;
  private final Failures failures = new Failures();
  private CallState state = CallState.NEW;
  private long finishedItems;
  private @Nullable RuntimeException stuck;
  private @Nullable RuntimeException resourceNotClosed; // close() throws it too
  private boolean completedAnyway; // stopped by a deadline noticed after the last item finished

  /**
   * A call of {@code task} on {@code items}. If the kind reports outcomes, the results handed over
   * are the outcomes of the task's results, made by the pool's {@link PublicTypes} ({@code R} is
   * then their type); otherwise they are the task's results.
   */
  public Run(
      PoolContext pool,
      Iterable<? extends T> items,
      Work task,
      CallKind kind,
      CallOptions options) {
    this(pool, new Input(items), task, null, ChunkSizing.LOCAL, kind, kind.what(), options);
  }

  /**
   * A call over {@code input} (one whose items are offered is driven by a {@link StreamPush}); with
   * a {@code remote} chunk runner, its chunks run elsewhere (see {@link ChunkRunner#newCall}),
   * sized by {@code sizing}. {@code what} names the call in messages and for the listener.
   */
  Run(
      PoolContext pool,
      Input input,
      Work task,
      @Nullable ChunkRunner remote,
      ChunkSizing sizing,
      CallKind kind,
      String what,
      CallOptions options) {
    this.mode = kind.mode();
    this.outcomes = kind.reportsOutcomes();
    this.pool = pool;
    Launcher launcher = pool.launcher();
    this.options = options;
    PublicTypes types = pool.types();
    this.reports = new CallReports(what, types);
    int concurrency = Math.min(launcher.maxInFlight, options.maxConcurrency());
    int parallelism = Math.min(launcher.parallelism, options.maxConcurrency());
    this.sizer =
        input.isOffered()
            ? ChunkSizer.onePerItem(parallelism, concurrency)
            : new ChunkSizer(parallelism, concurrency, sizing);
    long now = System.nanoTime();
    this.deadline = new Deadline(what, types, options.deadline(), now);
    this.budget = outcomes ? FailureBudgetCount.of(options.failureBudget()) : null;
    ItemRunner itemRunner =
        ItemRunner.forCall(
            task, remote, options, pool, outcomes, this, stopFlag, deadline::nanosLeft);
    this.resources = itemRunner.resources();
    if (mode == Mode.LIST && input.knownSize() > CallReports.MAX_LIST_SIZE) {
      throw reports.tooManyResults(); // refused before anything is read
    }
    this.input = input;
    this.observation =
        new Observation(
            CallInfo.builder(what).pool(pool.description()).total(input.knownSize()).build(),
            options.listener(),
            sizer.parallelism(),
            now,
            Durations.saturatedNanos(options.progressInterval()),
            failures,
            types,
            () -> stop(null),
            itemRunner.flight());
    this.sink = Sink.of(mode, input);
    this.lastProgressNanos = now;
    this.dispatch =
        new Dispatch(pool, itemRunner, pool.work().isRunningTaskOnCurrentThread(), stopFlag);
    this.feed =
        new Feed(
            input,
            sink,
            sizer,
            dispatch,
            Feed.window(input, sink, mode, pool.window()),
            mode == Mode.LIST,
            reports,
            pool.description(),
            this);
  }

  // ---------------------------------------------------------------------------------------------
  // Entry points (driver)

  /** Runs the call to the end and returns the results in input order. */
  public List<R> toList() {
    drive();
    failures.throwAfterEnd(); // a listener's Error
    return assemble();
  }

  /** Runs the call to the end, dropping results. */
  public void runAll() {
    drive();
    failures.throwAfterEnd(); // a listener's Error
  }

  private void moveTo(CallState next) {
    state = state.moveTo(next);
  }

  /** A stream whose deadline passed hands over what is buffered, then ends. */
  void windDown() {
    moveTo(CallState.WINDING_DOWN);
  }

  boolean isWindingDown() {
    return state == CallState.WINDING_DOWN;
  }

  /** Begins the call (once, on the driver): the deadline watch, and the listener's start. */
  void begin() {
    if (state != CallState.NEW) {
      return;
    }
    moveTo(CallState.RUNNING);
    // The deadline must reach running tasks even while the driver is busy (running a chunk of a
    // nested call itself, or blocked in the input): a thread of its own watches the clock.
    deadline.watch(pool.threadPrefix() + "deadline", () -> stop(null));
    observation.started();
  }

  private void drive() {
    try {
      begin();
      while (true) {
        launchMore();
        if (failures.any() || isStopped()) {
          break;
        }
        if (dispatch.inFlight() == 0) {
          if (!input.exhausted()) {
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
  public Spliterator<R> spliterator() {
    if (!(sink instanceof Sink.ToStream stream)) {
      throw new IllegalStateException("only stream calls have a spliterator");
    }
    return new StreamPull<>(this, feed, stream, dispatch, input, mode == Mode.ORDERED);
  }

  /** The driver of a call whose items are offered one at a time, results pushed in input order. */
  StreamPush<R> pusher() {
    if (!input.isOffered() || !(sink instanceof Sink.ToStream stream) || !stream.ordered()) {
      throw new IllegalStateException("only an ordered call of offered items is pushed");
    }
    return new StreamPush<>(this, feed, stream, dispatch, input);
  }

  /**
   * Cancels the call if it is still running and waits for its tasks (from the driver thread).
   * Throws if it gave up on tasks that ignored interruption, or if a worker resource failed to
   * close.
   */
  public void close() {
    if (state == CallState.ENDED) {
      return;
    }
    try {
      stop(null);
      drain();
      RuntimeException abandoned = stuck != null ? stuck : resourceNotClosed;
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
    dispatch.stop();
  }

  @Override
  public boolean isStopped() {
    return stopFlag.isRaised();
  }

  @Override
  public void failFast() {
    chunkFailed = true; // a stream surfaces the failure at its next pull
    stop(null);
  }

  @Override
  public void stopNow() {
    stop(null);
  }

  /**
   * Prevents new launches (the pool was closed), ends the deadline watch and waits until no chunk
   * is in flight: close() promises the pool's threads have ended, for a stream dropped unclosed
   * too.
   */
  void detachAndAwaitQuiescence() {
    deadline.endWatch(); // the pool's threads end with close(); the driver checks the clock itself
    dispatch.detachAndAwaitQuiescence();
    resources.closeIdle(); // what fails to close is reported if the stream's driver comes back
  }

  /** Whether chunks are still running: after the call ended, ones it gave up waiting for. */
  boolean hasTasksInFlight() {
    return dispatch.hasTasksInFlight();
  }

  /** The threads made for running chunks alone (null launchedThread: a pool's shared thread). */
  List<Thread> threadsOfRunningChunks() {
    return dispatch.threadsOfRunningChunks();
  }

  // ---------------------------------------------------------------------------------------------
  // Dispatch (driver)

  /** Reads and launches chunks while the window and the in-flight cap allow. */
  void launchMore() {
    while (!isStopped() && !failures.any() && feed.hasRoom()) {
      if (deadline.check()) {
        stop(null);
        return;
      }
      Chunk chunk = feed.launchNext();
      if (chunk == null) {
        return;
      }
      if (chunk.cutForTime && sink instanceof Sink.ToStream stream) {
        pollEvents();
        if (stream.hasReady()) {
          return; // the input is slow: hand over what is done before reading on
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Completions (driver)

  /**
   * Waits until at least one chunk completes (or a probe interval passes), then processes. A
   * spurious wake-up just returns with nothing processed: every caller loops.
   */
  @SuppressWarnings("WaitNotInLoop")
  void awaitEvents() throws InterruptedException {
    long wait =
        sizer.costUnknown() && !input.exhausted() && !isStopped() ? sizer.targetNanos() : -1;
    if (deadline.exists() && !isStopped()) {
      if (deadline.check()) {
        stop(null);
        return;
      }
      long left = deadline.nanosLeft();
      wait = wait < 0 ? left : Math.min(wait, left);
    }
    if (!sizer.costUnknown() && !isStopped()) {
      // A chunk of several items that runs far longer than its items' cost promised holds costlier
      // items: the items it has not claimed yet are taken from it and run on other threads now.
      long overdue = dispatch.stealFromOverdue(sizer::overdueAfterNanos, feed);
      if (!feed.hasRoom()) { // threads that idle get half of the largest unclaimed rests
        dispatch.splitForIdle(sizer.parallelism(), sizer.itemsWorthAThread(), feed);
      }
      if (overdue >= 0) {
        wait = wait < 0 ? overdue : Math.min(wait, overdue);
      }
    }
    // A failure budget counts each chunk's failed outcomes as the chunk comes back.
    dispatch.await(wait, feed.wakeAtMost(budget != null || isStopped()));
    if (!isStopped() && deadline.check()) {
      stop(null);
    }
    if (!dispatch.hasCompleted()) {
      sizer.noProgressFor(System.nanoTime() - lastProgressNanos);
      return;
    }
    pollEvents();
  }

  /** Processes the completions that are already there, without waiting. */
  void pollEvents() {
    Chunk chunk;
    while ((chunk = dispatch.nextCompleted()) != null) {
      process(chunk);
    }
  }

  /** Takes a completed chunk into account: failures, statistics, listener, window, sink. */
  private void process(Chunk chunk) {
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
          reports.taskFailed(
              index, chunk.itemOrNull(chunk.done), failures != null ? failures : List.of(error)),
          error);
    }
    Throwable broken = chunk.machineryFailure;
    if (broken != null) {
      fail(reports.machineryFailed(chunk, broken), broken);
    }
    if (chunk.yielded && !failures.any() && !isStopped()) {
      feed.handOnRest(chunk, chunk.done, chunk.ownSize()); // the rest of its runner's batch
    }
    finishedItems += chunk.done;
    observation.chunkCompleted(chunk);
    if (budget != null && budget.cutsOff(chunk, deadline, reports.what(), pool.types())) {
      stop(null); // as a passed deadline stops the call
    }
    deadline.cutShort(chunk, outcomes);
    chunk.releaseItems(); // the items are not needed any more: let them go
    feed.completed(chunk);
  }

  /** Records a failure: the first one becomes the call's, later ones its suppressed. */
  @Override
  public void fail(RuntimeException report, Throwable cause) {
    if (failures.record(report, cause)) {
      stop(null);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Ending (driver)

  /** Waits until no chunk is in flight, processing completions; keeps the interrupt flag. */
  private void drain() {
    if (stuck == null
        && !dispatch.drain(Durations.saturatedNanos(options.cancellationGrace()), this::process)) {
      stuck = reports.stuck(options.cancellationGrace(), dispatch);
    }
    closeResources();
  }

  /**
   * Closes the call's per-worker resources, once no chunk runs (a chunk given up on closes its own
   * when it ends). A resource that fails to close fails the call, as a context scope does.
   *
   * @return whether every one closed
   */
  boolean closeResources() {
    Throwable notClosed = resources.closeAll();
    if (notClosed != null) {
      resourceNotClosed = reports.resourceNotClosed(notClosed);
      fail(resourceNotClosed, notClosed);
    }
    return notClosed == null;
  }

  /**
   * After the main loop: drains, then throws the call's failure if there is one. Returns normally
   * when there is none, or when the deadline passed and the outcomes report it.
   */
  void finishOrThrow() {
    if (!failures.any() && !isStopped() && closeResources()) {
      return;
    }
    stop(null);
    drain();
    if (!failures.any()
        && abortReason == null
        && stuck == null
        && deadline.passed() != null
        && input.exhausted()
        && deadline.unfinishedCount() == 0) {
      // The deadline was noticed (by the watch) just as the last item finished: nothing was cut.
      deadline.forget();
      completedAnyway = true;
      return;
    }
    failures.throwIfFailed(stuck);
    if (deadline.passed() != null) {
      if (outcomes) {
        return; // each unfinished item's outcome says so
      }
      throw deadline.report(finishedItems);
    }
    throw reports.stopped(abortReason);
  }

  void interrupted(InterruptedException e) {
    try {
      stop(null);
      drain();
      Thread.currentThread().interrupt();
      RuntimeException report = reports.interrupted(e);
      Throwable earlier = failures.primary();
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

  void end() {
    if (state != CallState.ENDED) {
      moveTo(CallState.ENDED);
      if (dispatch.joinEndedThreads()) {
        Thread.currentThread().interrupt();
      }
      deadline.endWatch();
      pool.work().deregister(this);
      observation.ended(ending());
    }
  }

  private CallStats.Ending ending() {
    if (failures.any()) {
      return CallStats.Ending.FAILED;
    } else if (deadline.passed() != null) {
      return deadline.wasCutEarly() ? CallStats.Ending.FAILED : CallStats.Ending.DEADLINE_EXCEEDED;
    } else if (isStopped() && !completedAnyway) {
      return CallStats.Ending.CANCELLED;
    }
    return CallStats.Ending.COMPLETED;
  }

  /**
   * Whether every item of the input is accounted for: true unless the deadline ended the call
   * before an input of unknown size was read to its end.
   */
  public boolean complete() {
    return deadline.passed() == null || (outcomes && input.knownSize() >= 0 && mode == Mode.LIST);
  }

  @SuppressWarnings("unchecked") // results are of the user's types by construction
  private List<R> assemble() {
    Sink.ToList list = (Sink.ToList) sink; // only list calls assemble
    return (List<R>) list.assemble(input, outcomes ? deadline.passed() : null, pool.types());
  }

  // ---------------------------------------------------------------------------------------------
  // For the stream's pulls (driver: the consumer's thread), see StreamPull

  boolean isEnded() {
    return state == CallState.ENDED;
  }

  /** Whether a task failed: a stream surfaces it at its next pull, not when its item is reached. */
  boolean hasFailedChunk() {
    return chunkFailed;
  }

  boolean hasFailedOrStopped() {
    return failures.any() || isStopped();
  }
}
