package dev.parmap.engine;

import java.time.Duration;
import java.util.List;
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
  private int reported; // items reported, in order from the first
  private boolean ended; // an item failed and the call fails fast
  private long nanos = -1;

  private RemoteChunk(
      Chunk chunk, boolean outcomes, PublicTypes types, ItemRunner.Control control, StopFlag stop) {
    this.chunk = chunk;
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
      StopFlag stop) {
    Thread self = Thread.currentThread();
    chunk.threadName = self.getName();
    chunk.virtualThread = self.isVirtual();
    long started = System.nanoTime();
    chunk.startNanos = started;
    RemoteChunk view = new RemoteChunk(chunk, outcomes, types, control, stop);
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
   * Reports the result of the next item.
   *
   * @param took how long the item ran (for its outcome)
   * @throws IllegalStateException if every item is reported, or a failure ended the chunk
   */
  public void succeeded(@Nullable Object result, Duration took) {
    int i = next();
    @Nullable Object[] out = chunk.results;
    if (out != null) {
      long index = chunk.firstIndex + i;
      out[chunk.resultOffset + i] =
          outcomes ? types.success(chunk.item(i), index, 1, took, result) : result;
    }
    reported++;
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
    if (ended || i < reported || i >= chunk.size || (outcomes && i != reported)) {
      throw new IllegalStateException(
          "failure of item " + i + " reported with " + reported + " of " + chunk.size + " done");
    }
    chunk.failedItems++;
    if (outcomes) {
      chunk.noteFailure(cause);
      @Nullable Object[] out = chunk.results;
      if (out != null) {
        out[chunk.resultOffset + i] =
            types.failure(chunk.item(i), chunk.firstIndex + i, 1, took, cause);
      }
      reported++;
      return;
    }
    reported = i;
    ended = true;
    chunk.failure = cause;
    chunk.failures = List.of(cause);
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
