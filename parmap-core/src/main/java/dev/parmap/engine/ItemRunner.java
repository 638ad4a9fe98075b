package dev.parmap.engine;

import dev.parmap.observe.ContextPropagator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs the items of one chunk, one after the other, on the thread that claimed it: the task under
 * the call's item policies ({@link Attempts}), in the caller's context if propagators are set, and
 * records the results in the chunk. Shared by every chunk of a call: it keeps no state of its own.
 *
 * <p><b>Failures.</b> Fail fast (no outcomes): the first item that fails for good ends the chunk,
 * and {@link Control#failFast()} stops the whole call at once, from this thread. With outcomes, a
 * failed item is a {@code Outcome.Failure} and the chunk goes on. An interruption caused by the
 * call's own stop is not news: it ends the chunk without counting as the item's failure. Every
 * {@link Throwable} a task throws is reported, {@link Error}s included; none escapes.
 *
 * <p><b>Claiming in batches.</b> The runner claims its chunk's items in batches ({@link
 * Chunk#claim}, one compare-and-set each) of 1, 2, 4, ... up to {@link #MAX_BATCH} items, as lazy
 * binary splitting grows its tasks (Tzannes, Caragea, Barua, Vishkin, PPoPP 2010): the first items
 * of a chunk are claimed one at a time, and a long run of cheap items pays one compare-and-set per
 * {@code MAX_BATCH}. While a slow item runs, the items after its batch are still unclaimed: the
 * driver takes them ({@link Chunk#stealRest}) and hands them on to other threads at once. It also
 * asks the runner to yield ({@link Chunk#yieldRequested}, one volatile read per item, next to the
 * stop check): the runner returns after its current item, having run at least one, and marks the
 * chunk {@link Chunk#yielded}; the driver hands the rest of its batch on when it completes. A chunk
 * whose cheap items are followed by slow ones in one batch thus keeps only the slow item it is
 * running.
 *
 * <p><b>Per-worker resources.</b> If the call has them ({@link WorkerResources}), the chunk takes
 * one at its first item, uses it for all its items and gives it back when it ends, whatever
 * happened. Each chunk run is a JFR event ({@link CallFlight}).
 */
final class ItemRunner {

  /** What the runner needs of its call. */
  interface Control {
    /** An item failed and the call fails fast: stop it now, interrupting the running items. */
    void failFast();

    /** The chunk's machinery failed (a context scope did not close): stop the call now. */
    void stopNow();
  }

  /**
   * The largest batch of items a runner claims at once: at most that many wait behind a slow one.
   */
  static final int MAX_BATCH = 32;

  private final Work task;
  private final @Nullable ItemPolicies policies;
  private final boolean outcomes;
  private final PublicTypes types;
  private final List<ContextPropagator.Snapshot> context;
  private final Control control;
  private final StopFlag stop;
  private final WorkerResources resources;
  private final CallFlight flight;
  private final @Nullable ChunkRunner remote; // runs whole chunks elsewhere, if set
  private final LongSupplier deadlineNanosLeft; // for remote chunks

  /** As the full constructor, for a call without per-worker resources. */
  ItemRunner(
      Work task,
      @Nullable ItemPolicies policies,
      boolean outcomes,
      PublicTypes types,
      List<ContextPropagator.Snapshot> context,
      Control control,
      StopFlag stop) {
    this(
        task,
        policies,
        outcomes,
        types,
        context,
        control,
        stop,
        new WorkerResources(null),
        null,
        () -> -1);
  }

  /**
   * @param outcomes whether items report outcomes (made by {@code types}) instead of failing the
   *     call fast
   */
  ItemRunner(
      Work task,
      @Nullable ItemPolicies policies,
      boolean outcomes,
      PublicTypes types,
      List<ContextPropagator.Snapshot> context,
      Control control,
      StopFlag stop,
      WorkerResources resources,
      @Nullable ChunkRunner remote,
      LongSupplier deadlineNanosLeft) {
    this.task = task;
    this.remote = remote;
    this.deadlineNanosLeft = deadlineNanosLeft;
    this.policies = policies;
    this.outcomes = outcomes;
    this.types = types;
    this.context = List.copyOf(context);
    this.control = control;
    this.stop = stop;
    this.resources = resources;
    this.flight = new CallFlight(resources);
  }

  /**
   * The item runner of a call: its policy chain if it has item policies, and the caller's context
   * captured now, on the calling thread.
   *
   * @param remote what runs whole chunks elsewhere, or null to run them here: then no item policy
   *     or context runs here (the front end refuses the options that would need them)
   * @param deadlineNanosLeft the time left before the call's deadline, or -1 if it has none
   */
  static ItemRunner forCall(
      Work task,
      @Nullable ChunkRunner remote,
      CallOptions options,
      PoolContext pool,
      boolean outcomes,
      Control control,
      StopFlag stop,
      LongSupplier deadlineNanosLeft) {
    WorkerResources resources = resourcesFor(task, remote, pool);
    ItemPolicies policies =
        options.hasItemPolicies() && remote == null
            ? new ItemPolicies(
                resources.exist() ? resources::run : (item, index, chunk) -> task.apply(item),
                options,
                pool.ticker(),
                options.timeout() != null ? pool.timer().get() : null,
                stop::isRaised,
                deadlineNanosLeft)
            : null;
    List<ContextPropagator.Snapshot> captured = new ArrayList<>();
    for (ContextPropagator propagator :
        remote == null ? options.propagators() : List.<ContextPropagator>of()) {
      captured.add(propagator.capture()); // on the calling thread
    }
    return new ItemRunner(
        task,
        policies,
        outcomes,
        pool.types(),
        captured,
        control,
        stop,
        resources,
        remote,
        deadlineNanosLeft);
  }

  private static WorkerResources resourcesFor(
      Work task, @Nullable ChunkRunner remote, PoolContext pool) {
    if (!(task instanceof ResourceWork needsResource)) {
      return new WorkerResources(null);
    }
    Object key = needsResource.poolKey();
    return key == null || remote != null
        ? new WorkerResources(needsResource)
        : pool.work().keptResources(needsResource, key).forCall(needsResource);
  }

  /** The call's per-worker resources, to be closed when the call ends. */
  WorkerResources resources() {
    return resources;
  }

  /** The call's JFR events. */
  CallFlight flight() {
    return flight;
  }

  /**
   * Runs the chunk's items on the current thread, in the caller's context if there is one; gives
   * back its worker resource at the end.
   */
  void run(Chunk chunk) {
    CallFlight.ChunkRunEvent event = flight.chunkStarted();
    try {
      ChunkRunner elsewhere = remote;
      if (elsewhere != null) {
        chunk.claimAll(); // the chunk runs whole elsewhere: none of its items can be taken
        RemoteChunk.run(elsewhere, chunk, outcomes, types, control, stop, deadlineNanosLeft);
      } else if (context.isEmpty()) {
        execute(chunk);
      } else {
        executeInContext(chunk);
      }
    } finally {
      resources.release(chunk);
      flight.chunkEnded(event, chunk);
    }
  }

  private void execute(Chunk chunk) {
    Thread self = Thread.currentThread();
    chunk.threadName = self.getName();
    chunk.virtualThread = self.isVirtual();
    long started = System.nanoTime();
    chunk.startNanos = started;
    chunk.done =
        policies == null && !outcomes && !resources.exist()
            ? runPlain(chunk)
            : runWithPolicies(chunk);
    chunk.nanos = System.nanoTime() - started;
  }

  /**
   * Runs the chunk with the caller's context in place, and removes it afterwards: snapshots in
   * order, the first outermost, each applied (and its scope closed after the rest) or, for a {@link
   * ContextPropagator.Around}, wrapped around the rest. If putting one in place fails, the chunk's
   * items fail with that cause (fail fast: its first item; with outcomes: each of them). Every
   * scope that was applied is closed, even if another one fails to close; a scope that fails to
   * close, or an {@code Around} that throws after running the work, fails the call (the thread's
   * context can no longer be trusted).
   */
  private void executeInContext(Chunk chunk) {
    inContext(chunk, 0);
    if (chunk.machineryFailure != null) {
      control.stopNow();
    }
  }

  private void inContext(Chunk chunk, int next) {
    if (next == context.size()) {
      execute(chunk);
      return;
    }
    ContextPropagator.Snapshot snapshot = context.get(next);
    if (snapshot instanceof ContextPropagator.Around around) {
      runAround(chunk, next, around);
      return;
    }
    ContextPropagator.Scope scope;
    try {
      scope = snapshot.apply();
    } catch (Throwable e) { // reported as the items' failure, Errors included
      contextNotApplied(chunk, e);
      return;
    }
    try {
      inContext(chunk, next + 1);
    } finally {
      try {
        scope.close();
      } catch (Throwable e) { // reported by the driver, Errors included
        notClosed(chunk, e);
      }
    }
  }

  private void runAround(Chunk chunk, int next, ContextPropagator.Around around) {
    boolean[] ran = new boolean[1];
    try {
      around.runAround(
          () -> {
            if (ran[0]) {
              throw new IllegalStateException("runAround ran the chunk's work twice");
            }
            ran[0] = true;
            inContext(chunk, next + 1);
          });
    } catch (
        Throwable e) { // Errors included: before the work, the items' failure; after, the call's
      if (ran[0]) {
        notClosed(chunk, e);
      } else {
        contextNotApplied(chunk, e);
      }
      return;
    }
    if (!ran[0]) {
      contextNotApplied(
          chunk,
          new IllegalStateException(
              "ContextPropagator.Around.runAround returned without running the chunk's work"));
    }
  }

  private static void notClosed(Chunk chunk, Throwable e) {
    Throwable first = chunk.machineryFailure;
    if (first == null) {
      chunk.machineryFailure = e;
    } else if (first != e) {
      first.addSuppressed(e);
    }
  }

  /** The caller's context could not be applied for the chunk: its items fail with {@code e}. */
  private void contextNotApplied(Chunk chunk, Throwable e) {
    chunk.claimAll(); // before the chunk counts as started: none of its items can be taken
    chunk.threadName = Thread.currentThread().getName();
    chunk.virtualThread = Thread.currentThread().isVirtual();
    chunk.startNanos = System.nanoTime();
    chunk.done = 0;
    if (!outcomes) {
      itemFailed(chunk, 0, chunk.item(0), List.of(e), 0, e, 0);
      return;
    }
    @Nullable Object[] out = chunk.results;
    for (int i = 0; i < chunk.size; i++) {
      if (out != null) {
        out[chunk.resultOffset + i] =
            types.failure(chunk.item(i), chunk.firstIndex + i, 0, Duration.ZERO, e);
      }
      chunk.failedItems++;
      chunk.noteFailure(e);
    }
    chunk.done = chunk.size;
  }

  /** The hot loop: no policies, fail fast. Returns the number of items done. */
  private int runPlain(Chunk chunk) {
    @Nullable Object[] out = chunk.results;
    int offset = chunk.resultOffset;
    int i = 0;
    int claimed = 0;
    int batch = 1;
    try {
      while (true) {
        if (i == claimed) {
          claimed = chunk.claim(i, batch);
          if (claimed == i) {
            break; // the chunk's end, or the driver took the rest (and asked for a yield)
          }
          batch = Math.min(2 * batch, MAX_BATCH);
        }
        if (stop.isRaised()) {
          break;
        }
        if (i > 0 && chunk.yieldRequested) {
          chunk.yielded = true; // the driver hands the rest on to other threads
          break;
        }
        chunk.current = i;
        Object result = task.apply(chunk.item(i));
        if (out != null) {
          out[offset + i] = result;
        }
        i++;
      }
    } catch (Throwable e) { // every failure is reported: Errors included
      itemFailed(chunk, i, null, List.of(e), 1, e, 0);
    }
    return i;
  }

  /** Items under retry/timeout/rate limit, or reported as outcomes. */
  private int runWithPolicies(Chunk chunk) {
    ItemPolicies policy = policies;
    @Nullable Object[] out = chunk.results;
    int offset = chunk.resultOffset;
    int i = 0;
    int claimed = 0;
    int batch = 1;
    for (; ; i++) {
      if (i == claimed) {
        claimed = chunk.claim(i, batch);
        if (claimed == i) {
          break; // the chunk's end, or the driver took the rest (and asked for a yield)
        }
        batch = Math.min(2 * batch, MAX_BATCH);
      }
      if (stop.isRaised()) {
        break;
      }
      if (i > 0 && chunk.yieldRequested) {
        chunk.yielded = true; // the driver hands the rest on to other threads
        break;
      }
      chunk.current = i;
      Object item = chunk.item(i);
      long index = chunk.firstIndex + i;
      long begin = System.nanoTime();
      Object result;
      try {
        if (policy != null) {
          RetryPolicy.Attempted attempted = policy.run(item, index, chunk);
          result = attempted.value();
          chunk.attempts = attempted.attempts();
          chunk.retries += attempted.attempts() - 1;
        } else {
          chunk.attempts = 1;
          result = resources.exist() ? resources.run(item, index, chunk) : task.apply(item);
        }
      } catch (RetryPolicy.Failed f) {
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
            outcomes ? types.success(item, index, chunk.attempts, took, result) : result;
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
      chunk.noteFailure(last);
      @Nullable Object[] out = chunk.results;
      if (out != null) {
        out[chunk.resultOffset + i] =
            types.failure(item, chunk.firstIndex + i, attempts, Duration.ofNanos(nanos), last);
      }
      return true;
    }
    chunk.failure = last;
    chunk.failures = failures.isEmpty() ? List.of(last) : failures;
    chunk.failedItems++;
    chunk.failedOnItsOwn = !consequence;
    // Fail fast from the thread that noticed: no item starts any more, in any chunk, and the
    // running ones are interrupted now, even while the driver is busy (running a chunk itself, or
    // reading a slow input).
    control.failFast();
    return false;
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
}
