package dev.parmap.engine;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Feeds a call's pool: reads the {@link Input} into chunks sized by the {@link ChunkSizer} and puts
 * them on the pool through the {@link Dispatch}, while the window and the in-flight cap allow.
 *
 * <p><b>Window.</b> {@code outstanding} counts items read from the input and not yet handed over
 * (consumed from a stream, or completed for {@code map}/{@code forEach}); no more input is read
 * while it is at {@code window}. That bounds the memory held for items and buffered results. Driver
 * only.
 *
 * <p><b>Pipelining under a window.</b> A chunk takes at most a quarter of a bounded window, and a
 * new chunk is read only once there is room for one as large as the last one (or a quarter of the
 * window): so that the workers run some chunks while the driver reads the next one and hands over
 * the results of another, and so that freed room is not read in slivers (a stream of tiny items
 * whose consumer frees the window a few items at a time would otherwise start a thread for a few
 * items each).
 */
final class Feed implements Stalls.HandOn {

  /** What the feed needs of its call. */
  interface Call {
    /** Records a failure: the first one becomes the call's; the call stops. */
    void fail(RuntimeException report, Throwable cause);

    /** Whether the call was stopped. */
    boolean isStopped();
  }

  private final Input input;
  private final Sink sink;
  private final ChunkSizer sizer;
  private final Dispatch dispatch;
  private final long window;
  private final boolean listMode;
  private final CallReports reports;
  private final String pool;
  private final Call call;
  private final int chunkCap; // a quarter of a bounded window
  private long outstanding;
  private int lastSize = 1; // of the last chunk read

  /**
   * @param window items read and not yet handed over, at most ({@link Long#MAX_VALUE}: no bound)
   * @param listMode whether results are collected into a list (whose size is bounded)
   * @param pool the pool's description, for messages
   */
  Feed(
      Input input,
      Sink sink,
      ChunkSizer sizer,
      Dispatch dispatch,
      long window,
      boolean listMode,
      CallReports reports,
      String pool,
      Call call) {
    this.input = input;
    this.sink = sink;
    this.sizer = sizer;
    this.dispatch = dispatch;
    this.window = window;
    this.listMode = listMode;
    this.reports = reports;
    this.pool = pool;
    this.call = call;
    this.chunkCap = (int) Math.min(Integer.MAX_VALUE, Math.max(1, window / 4));
  }

  /**
   * The window of a call: {@code poolWindow} items, or no bound where the call holds nothing of its
   * own (the items of a random-access list are in memory already, and so are map's results).
   */
  static long window(Input input, Sink sink, Mode mode, long poolWindow) {
    boolean holdsNothingExtra =
        input.isRandomAccess() && (sink.holdsNothingExtra() || mode == Mode.FOR_EACH);
    return holdsNothingExtra ? Long.MAX_VALUE : poolWindow;
  }

  /** Whether another chunk may be read and launched now. */
  boolean hasRoom() {
    return !input.exhausted()
        && dispatch.inFlight() < sizer.inFlightCap()
        && window - outstanding >= Math.min(lastSize, chunkCap);
  }

  /**
   * Whether one more item fits in the window besides the outstanding ones and the {@code waiting}
   * items offered and not read yet (an {@linkplain Input#offered() offered input}).
   */
  boolean hasRoomForOneMore(int waiting) {
    return outstanding + waiting < window;
  }

  /** Reads and launches the next chunk; null at the end of the input, or if the call failed. */
  @Nullable Chunk launchNext() {
    int size =
        (int) Math.min(Math.min(sizer.nextSize(input.remaining()), chunkCap), window - outstanding);
    Chunk chunk = read(size);
    if (chunk != null) {
      lastSize = chunk.size;
    }
    return chunk != null && launch(chunk) ? chunk : null;
  }

  /**
   * How few chunks in flight the driver waits for (see {@link Dispatch#await}): each completion if
   * {@code eachCompletion}, in a stream (its consumer waits for results), and while the cost is
   * unknown or items are slow (each completion frees a slot of concurrency); for cheap chunks of a
   * call that returns at the end, as many as threads while input is left (a quarter of the cheap
   * chunks in flight, and on a pool of platform threads half: the threads still have a chunk each
   * while the driver wakes, reads and launches the next ones, a wake-up per few chunks instead of
   * one per chunk; in workload F waking at twice the threads was 1.5% slower), and once the input
   * is read, fewer chunks than threads (when {@link Dispatch#splitForIdle} can give an idle thread
   * work) or the last one.
   */
  int wakeAtMost(boolean eachCompletion) {
    if (eachCompletion || sink instanceof Sink.ToStream || sizer.costUnknown()) {
      return Integer.MAX_VALUE;
    }
    int parallelism = sizer.parallelism();
    if (input.exhausted()) {
      return parallelism - 1;
    }
    return sizer.itemsAreSlow() ? Integer.MAX_VALUE : parallelism;
  }

  /** A completed chunk's items leave the window as far as the sink has handed them over. */
  void completed(Chunk chunk) {
    outstanding -= sink.completed(chunk);
  }

  /** A stream handed one result over: it leaves the window. */
  void handedOver() {
    outstanding--;
  }

  /** Reads the next chunk's items; null at the end of the input, or if it failed. */
  private @Nullable Chunk read(int want) {
    Input.Read read;
    try {
      read = input.read(want);
    } catch (Input.Failed e) {
      RuntimeException report = reports.inputFailed(e);
      call.fail(report, report.getCause() != null ? report.getCause() : e);
      return null;
    }
    if (read == null) {
      return null;
    }
    int n = read.size();
    if (listMode && read.first() + n > CallReports.MAX_LIST_SIZE) {
      RuntimeException tooMany = reports.tooManyResults();
      call.fail(tooMany, tooMany);
      return null;
    }
    Chunk chunk = sink.chunkOf(read.first(), n, read.items());
    if (read.items() == null) {
      chunk.readFrom(Objects.requireNonNull(input.trustedList()), (int) read.first());
    }
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
      call.fail(reports.couldNotStart(pool, e), e);
      return false;
    }
    if (!launched) {
      // The pool was closed. If the call was stopped first (terminate() stops, then closes), the
      // stop's reason is the news; otherwise the stream was consumed after its pool was closed.
      if (!call.isStopped()) {
        IllegalStateException closed =
            new IllegalStateException(
                "the pool was closed before this stream was consumed: consume or close result"
                    + " streams before closing their pool");
        call.fail(closed, closed);
      }
      return false;
    }
    return true;
  }

  @Override
  public int room() {
    return sizer.inFlightCap() - dispatch.inFlight();
  }

  /**
   * Hands on items taken from a running chunk ({@link Stalls}), unless the call was stopped (a
   * failure stops it too).
   */
  @Override
  public void handOn(Chunk parent, int from, int to) {
    if (!call.isStopped()) {
      handOnRest(parent, from, to);
    }
  }

  /**
   * Hands the items {@code from} to {@code to} (excluded) of a running chunk on to new chunks,
   * launched at once: items taken from it while it runs ({@link Stalls}), or the rest of its
   * runner's last batch, after it yielded. Sized by the sizer, no more of them than there is room
   * for in flight. They write into the chunk's results and stay in the window as its items did; an
   * ordered stream hands them over right after it ({@link Sink.ToStream#next}).
   */
  void handOnRest(Chunk parent, int from, int to) {
    int rest = to - from;
    if (rest <= 0) {
      return;
    }
    int size = sizer.restSize(rest, room());
    for (int at = from; at < to; at += size) {
      Chunk child = parent.child(at, Math.min(size, to - at));
      if (!start(child)) {
        break; // the call fails with the reason: the items not handed on never run
      }
      parent.handedOn(child);
    }
  }
}
