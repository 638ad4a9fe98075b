package dev.parmap.engine;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A chunk as a {@link ChunkRunner} sees it: its first index, its size, its items, and where each
 * item's result or failure is reported, in index order. It does not expose the engine's chunk. Used
 * by the one thread that runs the chunk.
 *
 * <p>A failure reported for an item is the task's failure on that item: with a call that fails fast
 * it ends the chunk and stops the call at once ({@code TaskFailedException} with the item's index);
 * with outcomes it becomes the item's {@code Outcome.Failure} and the chunk goes on.
 */
public final class RemoteChunk {
  private final Chunk chunk;
  private final boolean outcomes;
  private final PublicTypes types;
  private final ItemRunner.Control control;
  private final StopFlag stop;
  private final LongSupplier deadlineNanosLeft;
  private int reported; // items reported, in order from the first
  private boolean ended; // an item failed and the call fails fast
  private long nanos = -1;

  private RemoteChunk(
      Chunk chunk,
      boolean outcomes,
      PublicTypes types,
      ItemRunner.Control control,
      StopFlag stop,
      LongSupplier deadlineNanosLeft) {
    this.chunk = chunk;
    this.deadlineNanosLeft = deadlineNanosLeft;
    this.stop = stop;
    this.outcomes = outcomes;
    this.types = types;
    this.control = control;
  }

  /**
   * Runs {@code chunk} through {@code runner} on the current thread and records what it reported. A
   * {@link RuntimeException} of the runner becomes the call's own failure; an interruption that the
   * call's stop did not cause is the chunk's machinery failing.
   */
  static void run(
      ChunkRunner runner,
      Chunk chunk,
      boolean outcomes,
      PublicTypes types,
      ItemRunner.Control control,
      StopFlag stop,
      LongSupplier deadlineNanosLeft) {
    Thread self = Thread.currentThread();
    chunk.threadName = self.getName();
    chunk.virtualThread = self.isVirtual();
    long started = System.nanoTime();
    chunk.startNanos = started;
    RemoteChunk view = new RemoteChunk(chunk, outcomes, types, control, stop, deadlineNanosLeft);
    try {
      runner.run(view);
    } catch (InterruptedException e) {
      boolean ours;
      synchronized (chunk) {
        ours = chunk.interruptedByStop;
      }
      if (!ours) {
        chunk.machineryFailure = e;
        control.stopNow();
      }
    } catch (RuntimeException e) {
      chunk.callFailure = e; // the call's failure as it is (CallReports.machineryFailed)
      chunk.machineryFailure = e;
      control.stopNow();
    }
    chunk.done = view.reported;
    chunk.nanos = view.nanos >= 0 ? view.nanos : System.nanoTime() - started;
  }

  /** Index in the input of the chunk's first item. */
  public long firstIndex() {
    return chunk.firstIndex;
  }

  /** The number of items in the chunk. */
  public int size() {
    return chunk.size;
  }

  /** The item at {@code i} (0 is the chunk's first); may be null. */
  public @Nullable Object item(int i) {
    return chunk.item(i);
  }

  /** Whether the call is stopping: no more items should start. */
  public boolean isStopped() {
    return stop.isRaised();
  }

  /**
   * The time left before the call's deadline, in nanoseconds (0 once it passed), or -1 if the call
   * has none: for a runner that tells where the items run when to stop, and whose retry waits never
   * run past the deadline.
   */
  public long deadlineNanosLeft() {
    return deadlineNanosLeft.getAsLong();
  }

  /**
   * Reports the result of the next item, at its first attempt.
   *
   * @param took how long the item ran (for its outcome)
   * @throws IllegalStateException if every item is reported, or a failure ended the chunk
   */
  public void succeeded(@Nullable Object result, Duration took) {
    succeeded(result, took, 1);
  }

  /**
   * Reports the result of the next item, which took {@code attempts} attempts (the ones before
   * failed: they count as the call's retries).
   *
   * @param took how long the item ran (for its outcome)
   * @throws IllegalStateException if every item is reported, or a failure ended the chunk
   */
  public void succeeded(@Nullable Object result, Duration took, int attempts) {
    int i = next();
    @Nullable Object[] out = chunk.results;
    if (out != null) {
      long index = chunk.firstIndex + i;
      out[chunk.resultOffset + i] =
          outcomes ? types.success(chunk.item(i), index, attempts, took, result) : result;
    }
    chunk.attempts = attempts;
    chunk.retries += attempts - 1;
    reported++;
  }

  /**
   * As {@link #failed(int, Throwable, Duration)} for an item that failed each of its attempts:
   * {@code attemptFailures} is what each attempt threw, in order (the last ends the item); the
   * attempts beyond the first count as the call's retries.
   *
   * @throws IllegalArgumentException if {@code attemptFailures} is empty
   */
  public void failed(int i, List<Throwable> attemptFailures, Duration took) {
    if (attemptFailures.isEmpty()) {
      throw new IllegalArgumentException("an item that failed has at least one attempt");
    }
    List<Throwable> all = List.copyOf(attemptFailures);
    Throwable last = all.get(all.size() - 1);
    check(i);
    chunk.retries += all.size() - 1;
    if (outcomes) {
      failedOutcome(i, last, all.size(), took);
      return;
    }
    endWith(i, last, all);
  }

  /**
   * Counts, for the call's statistics, attempts that a timeout interrupted where they ran and
   * attempts that waited for a rate-limit slot.
   */
  public void countPolicies(int timeouts, int rateLimitWaits) {
    chunk.timeouts += timeouts;
    chunk.rateLimitWaits += rateLimitWaits;
  }

  /**
   * Reports that item {@code i} failed with {@code cause} (what the task threw). With outcomes,
   * {@code i} is the next item; a call that fails fast may report a later item, those before it
   * having run (their results are not needed: the call fails).
   *
   * @param took how long the item ran (for its outcome)
   * @throws IllegalStateException if {@code i} is not an item the chunk may report now
   */
  public void failed(int i, Throwable cause, Duration took) {
    check(i);
    if (outcomes) {
      failedOutcome(i, cause, 1, took);
      return;
    }
    endWith(i, cause, List.of(cause));
  }

  private void check(int i) {
    if (ended || i < reported || i >= chunk.size || (outcomes && i != reported)) {
      throw new IllegalStateException(
          "failure of item " + i + " reported with " + reported + " of " + chunk.size + " done");
    }
  }

  private void failedOutcome(int i, Throwable cause, int attempts, Duration took) {
    chunk.failedItems++;
    chunk.noteFailure(cause);
    @Nullable Object[] out = chunk.results;
    if (out != null) {
      out[chunk.resultOffset + i] =
          types.failure(chunk.item(i), chunk.firstIndex + i, attempts, took, cause);
    }
    reported++;
  }

  private void endWith(int i, Throwable cause, List<Throwable> failures) {
    chunk.failedItems++;
    reported = i;
    ended = true;
    chunk.failure = cause;
    chunk.failures = failures;
    chunk.failedOnItsOwn = true;
    control.failFast();
  }

  /** Reports how long the chunk's items ran where they ran (for chunk sizing). */
  public void ran(Duration took) {
    nanos = Durations.saturatedNanos(took);
  }

  private int next() {
    if (ended || reported >= chunk.size) {
      throw new IllegalStateException(
          "item " + reported + " of a chunk of " + chunk.size + " reported after its end");
    }
    return reported;
  }
}
