package dev.parmap.observe;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Consecutive items that ran as one task, one after the other on one thread: the unit of a
 * timeline.
 *
 * <p>An immutable value; new accessors may be added in later versions. The engine makes one per
 * chunk for a {@link CallObserver} that {@linkplain CallObserver#wantsChunks wants them}; {@link
 * #builder} makes one for a test, or for a timeline of events from elsewhere.
 *
 * @since 0.1
 */
public final class ChunkEvent {
  private final String thread;
  private final boolean virtual;
  private final long firstIndex;
  private final int size;
  private final int done;
  private final int failed;
  private final int retries;
  private final int timeouts;
  private final int rateLimitWaits;
  private final long startNanos;
  private final long endNanos;

  private ChunkEvent(Builder builder) {
    this.thread = builder.thread;
    this.virtual = builder.virtual;
    this.firstIndex = builder.firstIndex;
    this.size = builder.size;
    this.done = builder.done;
    this.failed = builder.failed;
    this.retries = builder.retries;
    this.timeouts = builder.timeouts;
    this.rateLimitWaits = builder.rateLimitWaits;
    this.startNanos = builder.startNanos;
    this.endNanos = builder.endNanos;
  }

  /**
   * A builder. Every field starts at zero, {@code false} or empty; one builder may build many
   * events.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The thread that ran the chunk.
   *
   * @return its name
   */
  public String thread() {
    return thread;
  }

  /**
   * Whether that thread is virtual.
   *
   * @return {@code true} for a virtual thread
   */
  public boolean virtual() {
    return virtual;
  }

  /**
   * The input index of the chunk's first item.
   *
   * @return at least 0
   */
  public long firstIndex() {
    return firstIndex;
  }

  /**
   * How many items the chunk held.
   *
   * @return at least 1 for the engine's chunks
   */
  public int size() {
    return size;
  }

  /**
   * How many of the chunk's items finished, successfully or not.
   *
   * @return at most {@link #size()}; fewer when the call stopped, or an item failed and the call
   *     failed fast
   */
  public int done() {
    return done;
  }

  /**
   * How many of the chunk's items failed (their last attempt threw).
   *
   * @return at most {@link #done()}
   */
  public int failed() {
    return failed;
  }

  /**
   * Attempts beyond the first, over the chunk's items.
   *
   * @return at least 0
   */
  public int retries() {
    return retries;
  }

  /**
   * Attempts that the call's timeout interrupted, over the chunk's items (retried or not).
   *
   * @return at least 0
   */
  public int timeouts() {
    return timeouts;
  }

  /**
   * Attempts that waited for their rate-limit slot, over the chunk's items.
   *
   * @return at least 0
   */
  public int rateLimitWaits() {
    return rateLimitWaits;
  }

  /**
   * When the chunk started.
   *
   * @return nanoseconds since the call started
   */
  public long startNanos() {
    return startNanos;
  }

  /**
   * When the chunk ended.
   *
   * @return nanoseconds since the call started; at least {@link #startNanos()}
   */
  public long endNanos() {
    return endNanos;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof ChunkEvent that
        && thread.equals(that.thread)
        && virtual == that.virtual
        && firstIndex == that.firstIndex
        && size == that.size
        && done == that.done
        && failed == that.failed
        && retries == that.retries
        && timeouts == that.timeouts
        && rateLimitWaits == that.rateLimitWaits
        && startNanos == that.startNanos
        && endNanos == that.endNanos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        thread,
        virtual,
        firstIndex,
        size,
        done,
        failed,
        retries,
        timeouts,
        rateLimitWaits,
        startNanos,
        endNanos);
  }

  @Override
  public String toString() {
    return "ChunkEvent[thread="
        + thread
        + (virtual ? " (virtual)" : "")
        + ", items #"
        + firstIndex
        + "+"
        + size
        + ", done="
        + done
        + ", failed="
        + failed
        + ", retries="
        + retries
        + (timeouts > 0 ? ", timeouts=" + timeouts : "")
        + (rateLimitWaits > 0 ? ", rateLimitWaits=" + rateLimitWaits : "")
        + ", "
        + startNanos
        + "–"
        + endNanos
        + " ns]";
  }

  /** Builds {@link ChunkEvent}s. Not thread-safe; what it builds is. */
  public static final class Builder {
    private String thread = "";
    private boolean virtual;
    private long firstIndex;
    private int size;
    private int done;
    private int failed;
    private int retries;
    private int timeouts;
    private int rateLimitWaits;
    private long startNanos;
    private long endNanos;

    private Builder() {}

    /**
     * The thread that ran the chunk.
     *
     * @param name its name
     * @param virtual whether it is virtual
     * @return this builder
     */
    public Builder thread(String name, boolean virtual) {
      this.thread = Objects.requireNonNull(name, "name must not be null");
      this.virtual = virtual;
      return this;
    }

    /**
     * The items the chunk held.
     *
     * @param firstIndex the input index of the first
     * @param size how many
     * @return this builder
     */
    public Builder items(long firstIndex, int size) {
      this.firstIndex = firstIndex;
      this.size = size;
      return this;
    }

    /**
     * What became of them.
     *
     * @param done how many finished, successfully or not
     * @param failed how many of those failed
     * @param retries attempts beyond the first, over the chunk's items
     * @return this builder
     */
    public Builder counts(int done, int failed, int retries) {
      this.done = done;
      this.failed = failed;
      this.retries = retries;
      return this;
    }

    /**
     * What the item policies did.
     *
     * @param timeouts attempts the timeout interrupted
     * @param rateLimitWaits attempts that waited for their rate-limit slot
     * @return this builder
     */
    public Builder policies(int timeouts, int rateLimitWaits) {
      this.timeouts = timeouts;
      this.rateLimitWaits = rateLimitWaits;
      return this;
    }

    /**
     * When the chunk ran.
     *
     * @param startNanos its start, in nanoseconds since the call started
     * @param endNanos its end, likewise
     * @return this builder
     */
    public Builder time(long startNanos, long endNanos) {
      this.startNanos = startNanos;
      this.endNanos = endNanos;
      return this;
    }

    /**
     * Builds the event.
     *
     * @return a new {@link ChunkEvent}
     */
    public ChunkEvent build() {
      return new ChunkEvent(this);
    }
  }
}
