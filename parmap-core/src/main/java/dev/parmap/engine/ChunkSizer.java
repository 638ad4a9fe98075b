package dev.parmap.engine;

/**
 * Decides how many consecutive items go into the next chunk and how many chunks may be in flight,
 * from the item cost measured so far. Used by one driver thread only: not thread-safe.
 *
 * <p>The algorithm:
 *
 * <ul>
 *   <li>While no item has finished yet, the cost is unknown: chunks hold one item and at most
 *       {@code 2 × parallelism} are in flight. If nothing finishes within {@link #TARGET_NANOS},
 *       the items are slow (blocking, most likely) and the cost is taken to be at least that long.
 *   <li>The cost per item is the median of the last {@link #SAMPLES} finished chunks' costs per
 *       item (the lower one of the two middle ones while there are fewer, and an even number). Item
 *       costs may be heavy-tailed: a chunk that held one slow item among cheap ones is one outlier
 *       among the samples, and must not shrink the next chunks to a single item each, whose
 *       hand-off would then cost more than the cheap items (an average would follow it). Items that
 *       really became costlier fill half of the samples within a few chunks, and the median
 *       follows.
 *   <li>Items that cost at least {@link #TARGET_NANOS} run one per chunk, and as many chunks may be
 *       in flight as the pool allows: blocking work gets full concurrency.
 *   <li>Cheaper items are grouped so that a chunk takes about {@link #TARGET_NANOS}, which makes
 *       the hand-off to a thread (a few microseconds) a small fraction of the work. The size at
 *       most doubles from one chunk to the next, and when the input size is known a chunk takes at
 *       most {@code remaining / (2 × parallelism)} items, so that the last chunks still spread over
 *       all threads. At most {@code 4 × parallelism} such chunks are in flight: enough to keep
 *       every core busy, few enough that sizes follow the measurements.
 *   <li>A chunk of several items that has run more than {@link #OVERDUE_FACTOR} times its expected
 *       time (its items times the average cost), and at least {@link #MIN_OVERDUE_NANOS}, holds
 *       items much costlier than the ones measured so far: the items its runner has not claimed yet
 *       (it claims them in small batches, see {@link ItemRunner}) are taken from it while its slow
 *       item still runs, and split into chunks sized from the updated average, again at most {@code
 *       remaining / (2 × parallelism)} each, and no more chunks than there is room for in flight.
 *       Costs that change within the input (cheap items, then slow ones) thus spread over the
 *       threads, as fork/join's work stealing spreads them for parallel streams.
 * </ul>
 *
 * <p>A call whose items are offered one at a time ({@link Input#offered()}) sizes with {@link
 * #onePerItem}: one item per chunk, as many in flight as its window. Its driver cannot tell when
 * the next item comes (it is away upstream between two offers), so an item held back to fill a
 * chunk, or to wait for room in flight, could wait for as long as the upstream takes.
 */
final class ChunkSizer {
  /** The work a chunk of cheap items should take: hand-off overhead stays around 5% or less. */
  static final long TARGET_NANOS = 100_000;

  /** Upper bound of a chunk's size, whatever the measurements say. */
  static final int MAX_CHUNK = 1 << 16;

  /** How many recent chunks' costs per item the estimate is the median of. */
  static final int SAMPLES = 8;

  /** How many times its expected time a chunk may run before its unclaimed items are taken. */
  static final int OVERDUE_FACTOR = 8;

  /** The least time a chunk may run before its rest is taken: below, timing noise dominates. */
  static final long MIN_OVERDUE_NANOS = 1_000_000;

  private final int parallelism;
  private final int maxInFlight;
  private final boolean onePerItem;
  private final long targetNanos; // TARGET_NANOS unless the front end's sizing says otherwise
  private final int maxChunk;
  private final int fixedSize; // 0: sizes adapt
  private double nanosPerItem = -1; // the median of the samples
  private final double[] samples = new double[SAMPLES]; // a ring of the last chunks' costs
  private final double[] sorted = new double[SAMPLES];
  private int sampleCount;
  // The cost per item of the fastest recent chunks: at most doubling per chunk, so a chunk slowed
  // by the machine (preempted, a GC pause) does not make the overdue check wait for many slow
  // items.
  private double lowNanosPerItem = -1;
  private int lastSize;

  ChunkSizer(int parallelism, int maxInFlight) {
    this(parallelism, maxInFlight, false, ChunkSizing.LOCAL);
  }

  /**
   * A sizer with the front end's {@code sizing}: its target replaces {@link #TARGET_NANOS} and its
   * maximum {@link #MAX_CHUNK} in the algorithm above; a fixed size replaces the algorithm's sizes.
   */
  ChunkSizer(int parallelism, int maxInFlight, ChunkSizing sizing) {
    this(parallelism, maxInFlight, false, sizing);
  }

  private ChunkSizer(int parallelism, int maxInFlight, boolean onePerItem, ChunkSizing sizing) {
    this.parallelism = parallelism;
    this.maxInFlight = maxInFlight;
    this.onePerItem = onePerItem;
    this.targetNanos = sizing.targetNanos();
    this.maxChunk = sizing.maxItems();
    this.fixedSize = sizing.fixedItems();
  }

  /**
   * A sizer of chunks of one item each, with up to {@code maxInFlight} of them in flight whatever
   * the items cost (for an offered input: see the class description).
   */
  static ChunkSizer onePerItem(int parallelism, int maxInFlight) {
    return new ChunkSizer(parallelism, maxInFlight, true, ChunkSizing.LOCAL);
  }

  /** The work a chunk of cheap items should take: also how long the driver probes at first. */
  long targetNanos() {
    return targetNanos;
  }

  int parallelism() {
    return parallelism;
  }

  /** Whether items cost at least the target each, so that they run one per chunk. */
  boolean itemsAreSlow() {
    return nanosPerItem >= targetNanos;
  }

  /** Whether no measurement exists yet, so the driver should probe with a timed wait. */
  boolean costUnknown() {
    return nanosPerItem < 0;
  }

  /** The number of chunks that may be in flight now. */
  int inFlightCap() {
    if (onePerItem) {
      return maxInFlight;
    }
    if (costUnknown()) {
      return Math.min(maxInFlight, 2 * parallelism);
    }
    if (nanosPerItem >= targetNanos) {
      return maxInFlight;
    }
    return Math.min(maxInFlight, 4 * parallelism);
  }

  /**
   * The size of the next chunk.
   *
   * @param remaining the number of items not yet dispatched, or {@code -1} when unknown
   */
  int nextSize(long remaining) {
    int size;
    if (fixedSize > 0) {
      size = fixedSize;
    } else if (onePerItem || costUnknown() || nanosPerItem >= targetNanos) {
      size = 1;
    } else {
      double ideal = targetNanos / Math.max(nanosPerItem, 1.0);
      size = (int) Math.min(ideal, maxChunk);
      size = Math.min(size, Math.max(1, 2 * lastSize));
      if (remaining >= 0) {
        size = (int) Math.min(size, Math.max(1, remaining / (2L * parallelism)));
      }
      size = Math.max(size, 1);
    }
    lastSize = size;
    return size;
  }

  /**
   * How long a running chunk of {@code items} items may take before it is overdue: its unclaimed
   * rest is taken and split. Counted from the cost of the fastest recent chunks, not the average: a
   * chunk that a loaded machine slowed must not raise the bar for noticing costlier items. Only
   * meaningful once the cost is known.
   */
  long overdueAfterNanos(int items) {
    double expected = Math.max(lowNanosPerItem, 0) * items;
    return (long) Math.max(OVERDUE_FACTOR * expected, MIN_OVERDUE_NANOS);
  }

  /**
   * The size of the chunks that take over the {@code rest} items taken from a stalled chunk, when
   * {@code room} more chunks may be in flight: sized as the next chunks would be, but no more of
   * them than {@code room} (at least one).
   */
  int restSize(int rest, int room) {
    int size = nextSize(rest);
    int chunks = Math.max(room, 1);
    return Math.max(size, (rest + chunks - 1) / chunks);
  }

  /**
   * The fewest items worth handing to another thread when one idles: about a quarter of a chunk's
   * target work, so that the hand-off (a few microseconds) stays a small part of it. Only
   * meaningful once the cost is known.
   */
  int itemsWorthAThread() {
    double items = targetNanos / 4.0 / Math.max(nanosPerItem, 1.0);
    return (int) Math.min(Math.max(2, Math.ceil(items)), Integer.MAX_VALUE);
  }

  /** Records that a chunk ran {@code items} items in {@code nanos} nanoseconds. */
  void completed(int items, long nanos) {
    double perItem = (double) Math.max(nanos, 0) / items;
    sample(perItem);
    lowNanosPerItem = lowNanosPerItem < 0 ? perItem : Math.min(perItem, 2 * lowNanosPerItem);
  }

  /**
   * Records that the driver waited {@code nanos} with chunks in flight and none finished: while the
   * cost is unknown, each item costs at least that much.
   */
  void noProgressFor(long nanos) {
    if (costUnknown() && nanos >= targetNanos) {
      sample(nanos);
      lowNanosPerItem = nanos;
    }
  }

  /**
   * Adds a chunk's cost per item to the samples; the estimate becomes their median. The samples are
   * also kept sorted, the oldest one taken out and the new one put in place: a few comparisons, not
   * a sort per completed chunk (in a call of blocking items, each item is a chunk).
   */
  private void sample(double perItem) {
    int slot = sampleCount % SAMPLES;
    int n = Math.min(sampleCount, SAMPLES); // samples before this one
    if (sampleCount >= SAMPLES) {
      double oldest = samples[slot];
      int at = 0;
      while (at < n - 1 && sorted[at] != oldest) { // found: one value was put in both arrays
        at++;
      }
      System.arraycopy(sorted, at + 1, sorted, at, n - at - 1);
      n--;
    }
    int at = n;
    while (at > 0 && sorted[at - 1] > perItem) {
      sorted[at] = sorted[at - 1];
      at--;
    }
    sorted[at] = perItem;
    samples[slot] = perItem;
    sampleCount++;
    int count = n + 1;
    nanosPerItem = sorted[(count - 1) / 2];
  }

  /** The current cost estimate per item in nanoseconds, or -1 when unknown (for tests). */
  double nanosPerItem() {
    return nanosPerItem;
  }
}
