package dev.parmap.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Consecutive items of one call that run as one task, one after the other, on one thread.
 *
 * <p>Fields are grouped by who writes them. The runner's results are published to the driver by the
 * run's lock, taken when the chunk signals its completion.
 */
final class Chunk {
  /** Index in the input of the chunk's first item. */
  final long firstIndex;

  /** Number of items in the chunk. */
  final int size;

  /**
   * The items, read from the input by the driver (never by the thread that runs the chunk: the
   * input is read by one thread at a time); {@code null} once the driver has released them, or when
   * the chunk reads its items from {@link #list}.
   */
  @Nullable Object @Nullable [] items;

  /**
   * Or the JDK list the items are in, from {@link #listOffset} on, that the chunk's thread reads
   * itself (see {@code Input.trustedList}); {@code null} once released.
   */
  private @Nullable List<?> list; // published to the chunk's thread by its launch, as items are

  private int listOffset;

  /** Where results go ({@code null}: they are dropped, as for {@code forEach}). */
  final @Nullable Object @Nullable [] results;

  /** Position of the first item's result in {@link #results}. */
  final int resultOffset;

  // Written by the thread that runs the chunk, read by the driver after completion.
  /** Number of items that completed successfully, in order from the first. */
  int done;

  /** What the item at {@code done} threw, if anything. */
  @Nullable Throwable failure;

  /** Whether {@link #failure} is news, not an interruption caused by parmap stopping the call. */
  boolean failedOnItsOwn;

  /**
   * What the chunk's own machinery threw, not an item: a context scope that failed to close, or an
   * unexpected error. The driver fails the call with it.
   */
  @Nullable Throwable machineryFailure;

  /**
   * What a {@link ChunkRunner} threw: a failure of the call itself, not of an item (no member left,
   * for the cluster). The driver fails the call with it as it is.
   */
  @Nullable RuntimeException callFailure;

  /** Whether reading the chunk found a slow input (see {@link Input}): results go over sooner. */
  boolean cutForTime;

  /**
   * Set by the driver when the chunk has run far longer than its items' measured cost promised,
   * when it takes the chunk's unclaimed rest ({@link #stealRest}): the runner returns after its
   * current item, and the driver hands on the rest of the runner's last batch too.
   */
  volatile boolean yieldRequested;

  /**
   * Whether the runner stopped before the end of the items it answers for ({@link #ownSize})
   * because a yield was requested: the driver hands them on when the chunk completes.
   */
  boolean yielded;

  /** Time spent running the chunk's items. */
  long nanos;

  /**
   * The items the runner may still claim, packed in one long: the first item claimed by no one yet
   * (high half) and the end of the runner's share (low half). The runner claims items from the
   * front in batches ({@link #claim}); the driver takes items from the back ({@link #take}): all
   * the unclaimed ones of a chunk that stalls, or half of them for a thread that idles. Both with
   * one compare-and-set. The invariant: items below the first unclaimed one are the runner's, items
   * from it to the end of the share no one's yet, items from the end of the share on the driver's
   * (its children's); the first only grows, the end only shrinks, and never below the first.
   */
  @SuppressWarnings("UnusedVariable") // accessed through CLAIMS
  private volatile long claims;

  /** Set once by whichever thread runs the chunk: a pool thread, or a driver that helps. */
  @SuppressWarnings("UnusedVariable") // accessed through CLAIMED
  private volatile boolean claimed;

  private static final VarHandle CLAIMED;
  private static final VarHandle CLAIMS;

  static {
    try {
      CLAIMED = MethodHandles.lookup().findVarHandle(Chunk.class, "claimed", boolean.class);
      CLAIMS = MethodHandles.lookup().findVarHandle(Chunk.class, "claims", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Guarded by the chunk's own monitor.
  @Nullable Thread runner;
  boolean interruptedByStop;

  /** The name of the thread that ran the chunk; null if it was skipped. */
  @Nullable String threadName;

  boolean virtualThread;

  /**
   * When the chunk's items started running (System.nanoTime), or {@link #NOT_STARTED}. Volatile:
   * the driver reads it while the chunk runs, to notice a chunk that is overdue.
   */
  volatile long startNanos = NOT_STARTED;

  static final long NOT_STARTED = Long.MIN_VALUE;

  /** Items that failed for good (outcomes), and attempts beyond the first (retry). */
  int failedItems;

  int retries;

  /** Attempts the timeout interrupted, and attempts that waited for a rate-limit slot. */
  int timeouts;

  int rateLimitWaits;

  /** Attempts of the last item that succeeded (item policies only). */
  int attempts = 1;

  /** Every attempt's failure of the failed item (fail fast), in order. */
  @Nullable List<Throwable> failures;

  /** The item being run (relative to the chunk): written racily, read for reports only. */
  int current;

  /** With outcomes: the causes of the chunk's first failed items (at most three), for reports. */
  @Nullable List<Throwable> firstFailures;

  /** The per-worker resource it holds while it runs, if any ({@link WorkerResources}). */
  @Nullable Object resource;

  /** With outcomes: attempts of the item that a stop cut short. */
  int cutAttempts;

  /** Guarded by the chunk's monitor: the attempt the timeout alarm may interrupt. */
  private long attemptId;

  private boolean timedOut;

  // Used by the driver only.
  @Nullable Thread launchedThread;
  boolean completed;
  int consumed;

  /**
   * The chunks that took over the items the driver took from this chunk, in input order; null if
   * none. They write into this chunk's results array; an ordered stream hands them over right after
   * it.
   */
  @Nullable List<Chunk> children;

  /** The number of items, from {@link #done} on, handed on to {@link #children}. */
  int handedOn;

  /**
   * A chunk of {@code size} items read already, whose results go to {@code results} from {@code
   * resultOffset} on ({@code results} null: they are dropped).
   */
  Chunk(
      long firstIndex,
      int size,
      @Nullable Object @Nullable [] items,
      @Nullable Object @Nullable [] results,
      int resultOffset) {
    this.firstIndex = firstIndex;
    this.size = size;
    this.items = items;
    this.results = results;
    this.resultOffset = resultOffset;
    this.claims = claims(0, size);
  }

  /**
   * A chunk of the {@code n} items from {@code from} (relative to this chunk) that the driver took
   * from this chunk ({@link #stealRest}): its own copy of them, its results in this chunk's results
   * at the same places. Driver only, while this chunk runs or after, before its items are released.
   */
  Chunk child(int from, int n) {
    @Nullable Object[] mine = items;
    List<?> source = list;
    if (mine == null && source == null) {
      throw new IllegalStateException("chunk items were already released");
    }
    Chunk child =
        new Chunk(
            firstIndex + from,
            n,
            mine == null ? null : Arrays.copyOfRange(mine, from, from + n),
            results,
            resultOffset + from);
    if (source != null) {
      child.readFrom(source, listOffset + from);
    }
    return child;
  }

  /**
   * The chunk reads its items from {@code source}, from {@code offset} on, instead of an array of
   * its own. Driver only, before the chunk is launched.
   */
  void readFrom(List<?> source, int offset) {
    listOffset = offset;
    list = source;
  }

  /** Lets the items go: they are not needed any more. Driver only, after completion. */
  void releaseItems() {
    items = null;
    list = null;
  }

  /**
   * Records that {@code child}, made by {@link #child}, took over its items; the children stay in
   * input order (the rest of the runner's batch is handed on after the unclaimed rest). Driver
   * only.
   */
  void handedOn(Chunk child) {
    List<Chunk> all = children;
    if (all == null) {
      all = new ArrayList<>();
      children = all;
    }
    int at = all.size();
    while (at > 0 && all.get(at - 1).firstIndex > child.firstIndex) {
      at--;
    }
    all.add(at, child);
    handedOn += child.size;
  }

  /** The number of items this chunk answers for: its size, less the items handed on. */
  int ownSize() {
    return size - handedOn;
  }

  /** Starts an attempt of the current item; returns its id for {@link #timeOut}. */
  synchronized long beginAttempt() {
    return ++attemptId;
  }

  /** Called by the timeout alarm: interrupts the runner if attempt {@code id} is still running. */
  synchronized void timeOut(long id) {
    Thread thread = runner;
    if (attemptId == id && thread != null) {
      timedOut = true;
      thread.interrupt();
    }
  }

  /**
   * Ends the current attempt: no alarm can interrupt it any more.
   *
   * @return whether its alarm fired (the interrupt it caused is cleared)
   */
  synchronized boolean endAttempt() {
    attemptId++;
    boolean fired = timedOut;
    timedOut = false;
    if (fired) {
      Thread.interrupted();
    }
    return fired;
  }

  /** With outcomes: notes the cause of a failed item, if it is among the chunk's first three. */
  void noteFailure(Throwable cause) {
    List<Throwable> first = firstFailures;
    if (first == null) {
      first = new ArrayList<>(FailureBudgetCount.FIRST_FAILURES);
      firstFailures = first;
    }
    if (first.size() < FailureBudgetCount.FIRST_FAILURES) {
      first.add(cause);
    }
  }

  private static long claims(int first, int end) {
    return ((long) first << 32) | end;
  }

  private static int first(long claims) {
    return (int) (claims >>> 32);
  }

  private static int end(long claims) {
    return (int) claims;
  }

  /**
   * The runner claims up to {@code n} more items, from {@code from} (the end of its last batch).
   *
   * @return the end of the new batch, or {@code from} if nothing is left: the chunk's end, or the
   *     driver took the rest
   */
  int claim(int from, int n) {
    while (true) {
      long now = claims;
      int end = end(now);
      int to = (int) Math.min((long) from + n, end);
      if (to <= from) {
        return from;
      }
      if (CLAIMS.compareAndSet(this, now, claims(to, end))) {
        return to;
      }
    }
  }

  /** The runner claims every item left, before it runs them elsewhere or fails them together. */
  void claimAll() {
    CLAIMS.setVolatile(this, claims(size, size));
  }

  /**
   * Takes unclaimed items from the back of the runner's share (the driver): all of them, or the
   * back half, if at least {@code least} are unclaimed.
   *
   * @return the items taken, as {@code from << 32 | to}, or -1 if none were
   */
  long take(boolean half, int least) {
    while (true) {
      long now = claims;
      int first = first(now);
      int end = end(now);
      int left = end - first;
      if (left <= 0 || left < least) {
        return -1;
      }
      int from = half ? end - left / 2 : first;
      if (from < end && CLAIMS.compareAndSet(this, now, claims(first, from))) {
        return claims(from, end);
      }
      if (from >= end) {
        return -1;
      }
    }
  }

  /**
   * Takes the whole unclaimed rest of the chunk away from its runner (the driver, for a chunk that
   * stalls).
   *
   * @return the first item taken, or -1 if no item was left unclaimed
   */
  int stealRest() {
    long taken = take(false, 1);
    return taken < 0 ? -1 : first(taken);
  }

  /** The first item of a range taken with {@link #take}. */
  static int takenFrom(long taken) {
    return first(taken);
  }

  /** The end (excluded) of a range taken with {@link #take}. */
  static int takenTo(long taken) {
    return end(taken);
  }

  /** The first item claimed by no one yet (for tests). */
  int firstUnclaimed() {
    return first(claims);
  }

  /** How many items are claimed by no one yet (a racy hint for the driver). */
  int unclaimedCount() {
    long now = claims;
    return end(now) - first(now);
  }

  /** Returns whether the calling thread won the right to run this chunk. */
  boolean claim() {
    return CLAIMED.compareAndSet(this, false, true);
  }

  boolean isClaimed() {
    return claimed;
  }

  @Nullable Object item(int i) {
    @Nullable Object[] copied = items;
    if (copied != null) {
      return copied[i];
    }
    List<?> source = list;
    if (source == null) {
      throw new IllegalStateException("chunk items were already released");
    }
    return source.get(listOffset + i);
  }

  /** The item at {@code i}, or null if the items were released already (for reports). */
  @Nullable Object itemOrNull(int i) {
    @Nullable Object[] copied = items;
    if (copied != null) {
      return i >= copied.length ? null : copied[i];
    }
    List<?> source = list;
    return source == null || i >= size ? null : source.get(listOffset + i);
  }

  /** Takes the result of the item at {@code i} (relative to the chunk) and clears its slot. */
  @Nullable Object takeResult(int i) {
    @Nullable Object[] out = results;
    if (out == null) {
      return null;
    }
    @Nullable Object result = out[resultOffset + i];
    out[resultOffset + i] = null;
    return result;
  }
}
