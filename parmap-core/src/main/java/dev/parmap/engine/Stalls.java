package dev.parmap.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Notices running chunks that stall on a slow item and takes the rest of their items away from
 * them, so that the cheap items after a slow one do not wait for it while other threads idle.
 *
 * <p>A chunk's runner claims its items in small batches ({@link ItemRunner}); a chunk of several
 * items that has run far longer than its items' measured cost promised ({@link
 * ChunkSizer#overdueAfterNanos}) holds costlier items. The driver then takes its unclaimed items
 * ({@link Chunk#stealRest}, one compare-and-set against the runner's) and launches them as new
 * chunks at once, while the slow item still runs, and asks the runner to yield after its current
 * item ({@link Chunk#yieldRequested}): the rest of its last batch is handed on when it completes.
 * As the children are chunks too, a child that stalls is split again, as fork/join's work stealing
 * splits the range of a parallel stream's task.
 */
final class Stalls {
  private Stalls() {}

  /** What the driver does with items taken from a running chunk. */
  interface HandOn {
    /**
     * How many more chunks may be in flight now: items are taken only if they can be launched at
     * once (the call's concurrency limit counts chunks in flight).
     */
    int room();

    /** Runs the items {@code from} to {@code to} (excluded) of {@code chunk} on other threads. */
    void handOn(Chunk chunk, int from, int to);
  }

  /**
   * Takes the unclaimed rest of every chunk of {@code running} that has run longer than {@code
   * overdueAfter} allows for its size, and asks it to yield: {@code handOn} gets the chunk and the
   * first item taken, for the driver to run them on other threads. Driver only; a chunk's start
   * time is volatile, its current item a racy hint (at worst a yield is asked for too late or for a
   * chunk on its last item, which then completes as usual).
   *
   * @param severalInFlight the chunks of more than one item launched and not yet taken back
   * @param overdueAfter the time a running chunk of the given number of items may take
   * @return the nanoseconds until another chunk may become overdue (the driver wakes by then), or
   *     {@code -1} if none can
   */
  static long takeOverdueRests(
      Iterable<Chunk> running, int severalInFlight, IntToLongFunction overdueAfter, HandOn handOn) {
    long now = System.nanoTime();
    long next = -1;
    int started = 0;
    @Nullable List<Chunk> overdue = null;
    for (Chunk chunk : running) {
      long start = chunk.startNanos;
      if (chunk.size <= 1 || start == Chunk.NOT_STARTED) {
        continue;
      }
      started++;
      if (chunk.size - chunk.current <= 1
          || (chunk.yieldRequested && chunk.unclaimedCount() == 0)) {
        continue; // nothing left to take from it
      }
      long left = start + overdueAfter.applyAsLong(chunk.size) - now;
      if (left <= 0) {
        if (overdue == null) {
          overdue = new ArrayList<>();
        }
        overdue.add(chunk);
      } else if (next < 0 || left < next) {
        next = left;
      }
    }
    if (overdue != null) {
      for (Chunk chunk : overdue) {
        chunk.yieldRequested = true; // its batch's rest is handed on when it completes
        long taken = handOn.room() > 0 ? chunk.take(false, 1) : -1;
        if (taken >= 0) { // launches chunks: not while iterating over running
          handOn.handOn(chunk, Chunk.takenFrom(taken), Chunk.takenTo(taken));
        } else if (chunk.unclaimedCount() > 0) {
          // No room in flight now (chunks that ended are not taken back yet): look again soon. The
          // chunk may never end without its rest: a stalled item may wait for a later one.
          long again = overdueAfter.applyAsLong(2);
          next = next < 0 ? again : Math.min(next, again);
        }
      }
    }
    if (started < severalInFlight) {
      // Some have not started yet (waiting for a thread or a permit): none of them can be overdue
      // before the shortest time a chunk of several items may take.
      long soonest = overdueAfter.applyAsLong(2);
      next = next < 0 ? soonest : Math.min(next, soonest);
    }
    return next;
  }

  /**
   * For threads that idle while chunks run (the input is all read, or the window is full): takes
   * the back half of the unclaimed items of the running chunk that has most, if they are at least
   * {@code least}, and hands them on as new chunks (sized as the rest of a stalled chunk: a half of
   * costly items must not run on one thread); up to {@code idle} times. This is lazy binary
   * splitting's split on demand (Tzannes et al., PPoPP 2010): a range is halved only when a thread
   * has nothing to do, so a call whose threads are all busy splits nothing. Driver only.
   */
  static void splitForIdle(Iterable<Chunk> running, int idle, int least, HandOn handOn) {
    for (int k = 0; k < idle && handOn.room() > 0; k++) {
      Chunk most = null;
      int mostLeft = least - 1;
      for (Chunk chunk : running) {
        int left = chunk.unclaimedCount();
        if (left > mostLeft && chunk.startNanos != Chunk.NOT_STARTED) {
          most = chunk;
          mostLeft = left;
        }
      }
      if (most == null) {
        return;
      }
      long taken = most.take(true, Math.max(least, 2));
      if (taken >= 0) {
        handOn.handOn(most, Chunk.takenFrom(taken), Chunk.takenTo(taken));
      }
    }
  }
}
