package dev.parmap.engine;

import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ContextPropagator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
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
 * <p><b>Window.</b> {@code outstanding} counts items read from the input and not yet handed over
 * (consumed from a stream, or completed for {@code map}/{@code forEach}); the driver reads no more
 * input while it is at {@code window}. That bounds the memory held for items and buffered results.
 */
public final class Run<T extends @Nullable Object, R extends @Nullable Object>
    implements ItemRunner.Control {

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

  /**
   * Where the call is. Legal moves: NEW to RUNNING (the first pull, or the blocking call, begins)
   * or ENDED (a stream closed before it was read); RUNNING to WINDING_DOWN (a stream whose deadline
   * passed hands over what is buffered) or ENDED; WINDING_DOWN to ENDED. Driver only.
   */
  enum State {
    NEW,
    RUNNING,
    WINDING_DOWN,
    ENDED;

    boolean mayMoveTo(State next) {
      return switch (this) {
        case NEW -> next == RUNNING || next == ENDED;
        case RUNNING -> next == WINDING_DOWN || next == ENDED;
        case WINDING_DOWN -> next == ENDED;
        case ENDED -> false;
      };
    }
  }

  /** The largest list parmap can return (the usual JDK limit for array sizes). */
  static final long MAX_LIST_SIZE = Integer.MAX_VALUE - 8;

  private final PoolContext pool;
  private final Launcher launcher;
  private final ItemRunner itemRunner;
  private final Mode mode;
  private final CallOptions options;
  private final PublicTypes types;

  /** Whether items report outcomes instead of failing the call fast. */
  private final boolean outcomes;

  private final @Nullable Attempts attempts;
  private final Deadline deadline;
  private final Observation observation;
  private final String what;
  private final long window;
  private final ChunkSizer sizer;

  private final Input input; // driver only

  private final Sink sink; // driver only

  private final Dispatch dispatch;
  private final StopFlag stopFlag = new StopFlag();

  // Shared with the chunks and the deadline watch.
  private volatile boolean chunkFailed;
  private volatile @Nullable String abortReason;

  // Driver only.
  private long outstanding;
  private long lastProgressNanos;
  private final Failures failures = new Failures();
  private State state = State.NEW;
  private long finishedItems;
  private @Nullable RuntimeException stuck;
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
    Mode mode = kind.mode();
    String what = kind.what();
    boolean outcomes = kind.reportsOutcomes();
    this.pool = pool;
    this.launcher = pool.launcher();
    this.mode = mode;
    this.what = what;
    this.options = options;
    this.types = pool.types();
    this.outcomes = outcomes;
    int concurrency = options.maxConcurrency();
    this.sizer =
        new ChunkSizer(
            Math.min(launcher.parallelism, concurrency),
            Math.min(launcher.maxInFlight, concurrency));
    this.attempts =
        options.hasItemPolicies()
            ? new Attempts(
                options,
                pool.ticker(),
                options.timeout() != null ? pool.timer().get() : null,
                this::isStopped,
                this::deadlineNanosLeft)
            : null;
    List<ContextPropagator.Snapshot> captured = new ArrayList<>();
    for (ContextPropagator propagator : options.propagators()) {
      captured.add(propagator.capture()); // on the calling thread
    }
    this.itemRunner = new ItemRunner(task, attempts, outcomes, types, captured, this, stopFlag);
    long now = System.nanoTime();
    this.deadline = new Deadline(what, types, options.deadline(), now);
    if (mode == Mode.LIST && items instanceof Collection<?> sized && sized.size() > MAX_LIST_SIZE) {
      throw tooManyResults(); // refused before anything is read or allocated
    }
    this.input = new Input(items);
    this.observation =
        new Observation(
            CallInfo.builder(what).pool(pool.description()).total(input.knownSize()).build(),
            options.listener(),
            sizer.parallelism(),
            now,
            Durations.saturatedNanos(options.progressInterval()),
            failures,
            types,
            () -> stop(null));
    this.sink = Sink.of(mode, input);
    // Items of a random-access list are in memory already, and so are map's results: the window
    // only matters where the call would otherwise hold items or results of its own.
    boolean holdsNothingExtra =
        input.isRandomAccess() && (sink.holdsNothingExtra() || mode == Mode.FOR_EACH);
    this.window = holdsNothingExtra ? Long.MAX_VALUE : pool.window();
    this.lastProgressNanos = now;
    this.dispatch =
        new Dispatch(pool, itemRunner, pool.work().isRunningTaskOnCurrentThread(), stopFlag);
  }

  private RuntimeException tooManyResults() {
    return types.callFailed(
        what
            + " cannot return more than "
            + MAX_LIST_SIZE
            + " results in a list; use Pool.stream or Pool.forEach for inputs this large",
        null);
  }

  // ---------------------------------------------------------------------------------------------
  // Entry points (driver)

  /** Runs the call to the end and returns the results in input order. */
  public List<R> toList() {
    drive();
    throwListenerFailure();
    return assemble();
  }

  /** Runs the call to the end, dropping results. */
  public void runAll() {
    drive();
    throwListenerFailure();
  }

  private void throwListenerFailure() {
    failures.throwAfterEnd();
  }

  private void moveTo(State next) {
    if (!state.mayMoveTo(next)) {
      throw new IllegalStateException(
          "parmap bug: a call cannot move from " + state + " to " + next);
    }
    state = next;
  }

  /** A stream whose deadline passed hands over what is buffered, then ends. */
  void windDown() {
    moveTo(State.WINDING_DOWN);
  }

  boolean isWindingDown() {
    return state == State.WINDING_DOWN;
  }

  /** Begins the call (once, on the driver): the deadline watch, and the listener's start. */
  void begin() {
    if (state != State.NEW) {
      return;
    }
    moveTo(State.RUNNING);
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
    return new StreamPull<>(this);
  }

  /** Cancels the call if it is still running and waits for its tasks (from the driver thread). */
  public void close() {
    if (state == State.ENDED) {
      return;
    }
    try {
      stop(null);
      drain();
      RuntimeException abandoned = stuck;
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

  boolean isStopped() {
    return stopFlag.isRaised();
  }

  /** The time left before the deadline, or -1 if the call has none (for the item policies). */
  private long deadlineNanosLeft() {
    return deadline.nanosLeft();
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
    while (!isStopped() && !input.exhausted() && !failures.any()) {
      if (dispatch.inFlight() >= sizer.inFlightCap() || outstanding >= window) {
        return;
      }
      if (deadline.check()) {
        stop(null);
        return;
      }
      int size = (int) Math.min(sizer.nextSize(input.remaining()), window - outstanding);
      Chunk chunk = read(size);
      if (chunk == null || !launch(chunk)) {
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

  /** Reads the next chunk's items; null at the end of the input, or if it failed. */
  private @Nullable Chunk read(int want) {
    Input.Read read;
    try {
      read = input.read(want);
    } catch (Input.Failed e) {
      Throwable cause = e.getCause();
      fail(types.inputFailed(e.index, cause != null ? cause : e), cause != null ? cause : e);
      return null;
    }
    if (read == null) {
      return null;
    }
    int n = read.items().length;
    if (mode == Mode.LIST && read.first() + n > MAX_LIST_SIZE) {
      RuntimeException tooMany = tooManyResults();
      fail(tooMany, tooMany);
      return null;
    }
    Chunk chunk = sink.chunkOf(read.first(), read.items());
    chunk.cutForTime = read.cutForTime();
    return chunk;
  }

  /** Launches a chunk of items just read: they count in the window until handed over. */
  private boolean launch(Chunk chunk) {
    if (!start(chunk)) {
      return false;
    }
    outstanding += chunk.size;
    sink.launched(chunk);
    return true;
  }

  /** Puts the chunk on the pool; on failure, fails the call. */
  private boolean start(Chunk chunk) {
    boolean launched;
    try {
      launched = dispatch.launch(chunk);
    } catch (RuntimeException | OutOfMemoryError e) { // rejected, or no thread could be created
      fail(
          types.callFailed(what + " could not start a task on " + pool.description() + ": " + e, e),
          e);
      return false;
    }
    if (!launched) {
      // The pool was closed. If the call was stopped first (terminate() stops, then closes), the
      // stop's reason is the news; otherwise the stream was consumed after its pool was closed.
      if (!isStopped()) {
        IllegalStateException closed =
            new IllegalStateException(
                "the pool was closed before this stream was consumed: consume or close result"
                    + " streams before closing their pool");
        fail(closed, closed);
      }
      return false;
    }
    return true;
  }

  /**
   * Hands the items a yielded chunk left unrun on to new chunks, launched at once: sized by the
   * sizer (which has just measured the slow chunk), no more of them than there is room for in
   * flight. They write into the chunk's results and stay in the window as its items did; an ordered
   * stream hands them over right after it ({@link Sink.ToStream#next}).
   */
  private void handOnRest(Chunk parent) {
    int from = parent.done;
    int rest = parent.size - from;
    int size = sizer.restSize(rest, sizer.inFlightCap() - dispatch.inFlight());
    for (int at = from; at < parent.size; at += size) {
      Chunk child = parent.child(at, Math.min(size, parent.size - at));
      if (!start(child)) {
        break; // the call fails with the reason: the items not handed on never run
      }
      parent.handedOn(child);
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
        sizer.costUnknown() && !input.exhausted() && !isStopped() ? ChunkSizer.TARGET_NANOS : -1;
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
      // items: it is asked to yield, and its rest is handed on when it completes (see process).
      long overdue = dispatch.requestOverdueYields(sizer::overdueAfterNanos);
      if (overdue >= 0) {
        wait = wait < 0 ? overdue : Math.min(wait, overdue);
      }
    }
    dispatch.await(wait);
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

  /**
   * Takes a completed chunk into account: failures, statistics, the rest of a chunk that yielded,
   * listener, window, sink.
   */
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
          types.taskFailed(index, itemOf(chunk), failures != null ? failures : List.of(error)),
          error);
    }
    Throwable broken = chunk.machineryFailure;
    if (broken != null) {
      fail(
          types.callFailed(
              what
                  + ": the work around the items #"
                  + chunk.firstIndex
                  + "-#"
                  + (chunk.firstIndex + chunk.size - 1)
                  + " failed (a context propagator's scope threw on close, or parmap's own"
                  + " bookkeeping failed): "
                  + broken,
              broken),
          broken);
    }
    if (chunk.yielded && !failures.any() && !isStopped()) {
      handOnRest(chunk);
    }
    finishedItems += chunk.done;
    observation.chunkCompleted(chunk);
    deadline.cutShort(chunk, outcomes);
    chunk.items = null; // the items are not needed any more: let them go
    outstanding -= sink.completed(chunk);
  }

  private @Nullable Object itemOf(Chunk chunk) {
    // Items are released once processed; the failed item is needed for the report.
    try {
      return chunk.item(chunk.done);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Records a failure: the first one becomes the call's, later ones its suppressed. */
  private void fail(RuntimeException report, Throwable cause) {
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
      stuck = stuckReport();
    }
  }

  /**
   * Tasks that ignored interruption for the whole grace period: the call gives up on them. Java
   * cannot stop a thread; the report shows where each one is stuck.
   */
  private RuntimeException stuckReport() {
    RuntimeException report =
        types.callFailed(
            what
                + " gave up waiting for tasks that ignore interruption: after "
                + options.cancellationGrace()
                + " they are still running (their threads are left behind; see the suppressed"
                + " exceptions for where each one is)",
            null);
    dispatch.describeRunning(report);
    return report;
  }

  /**
   * After the main loop: drains, then throws the call's failure if there is one. Returns normally
   * when there is none, or when the deadline passed and the outcomes report it.
   */
  void finishOrThrow() {
    if (!failures.any() && !isStopped()) {
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
    RuntimeException abandoned = stuck;
    Throwable primary = failures.primary();
    if (abandoned != null) {
      if (primary != null) {
        abandoned.addSuppressed(primary);
      }
      throw abandoned;
    }
    Error fatal = failures.fatal();
    if (fatal != null) {
      throw fatal;
    }
    RuntimeException report = failures.report();
    if (report == null && deadline.passed() != null) {
      if (outcomes) {
        return; // each unfinished item's outcome says so
      }
      report = deadline.report(finishedItems);
    }
    if (report == null) {
      String reason = abortReason;
      report =
          types.callFailed(
              what + " was stopped: " + (reason != null ? reason : "it was cancelled"), null);
    }
    throw report;
  }

  void interrupted(InterruptedException e) {
    try {
      stop(null);
      drain();
      Thread.currentThread().interrupt();
      RuntimeException report = types.interrupted(what, e);
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
    if (state != State.ENDED) {
      moveTo(State.ENDED);
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
      return CallStats.Ending.DEADLINE_EXCEEDED;
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

  private List<R> assemble() {
    if (!(sink instanceof Sink.ToList list)) {
      throw new IllegalStateException("only map calls assemble a list");
    }
    RuntimeException cut = deadline.passed();
    long read = input.nextIndex();
    List<@Nullable Object> all;
    if (cut != null && outcomes) {
      // After the deadline, the rest of a collection (its size is known, it is in memory) is
      // reported as cut short too.
      all =
          list.assemble(
              read,
              input.unreadForReport(),
              (item, index) -> types.failure(item, index, 0, Duration.ZERO, cut));
    } else {
      all = list.assemble(read, List.of(), (item, index) -> item);
    }
    @SuppressWarnings("unchecked")
    List<R> results = (List<R>) Collections.unmodifiableList(all);
    return results;
  }

  // ---------------------------------------------------------------------------------------------
  // For the stream's pulls (driver: the consumer's thread), see StreamPull

  boolean isEnded() {
    return state == State.ENDED;
  }

  /** Whether a task failed: a stream surfaces it at its next pull, not when its item is reached. */
  boolean hasFailedChunk() {
    return chunkFailed;
  }

  boolean hasFailedOrStopped() {
    return failures.any() || isStopped();
  }

  boolean inputExhausted() {
    return input.exhausted();
  }

  int chunksInFlight() {
    return dispatch.inFlight();
  }

  /** The next chunk whose results a stream can hand over now, or null. */
  @Nullable Chunk nextReadyChunk() {
    return sink instanceof Sink.ToStream stream ? stream.next() : null;
  }

  /** A stream handed one result over: it leaves the window. */
  void handedOver() {
    outstanding--;
  }

  boolean ordered() {
    return mode == Mode.ORDERED;
  }

  /**
   * Items and results are stored as {@code Object}s; they are of the user's types, which may be
   * nullable: the cast is safe by construction.
   */
  @SuppressWarnings({"unchecked", "NullAway", "TypeParameterUnusedInFormals"})
  static <X extends @Nullable Object> X cast(@Nullable Object value) {
    return (X) value;
  }
}
