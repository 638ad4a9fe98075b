package dev.parmap.engine;

import java.time.Duration;

/**
 * How a front end wants its chunks sized (see {@link ChunkSizer}): the work one chunk of cheap
 * items should take, and its largest size; or a fixed size. A local pool aims at {@link #LOCAL}'s
 * 100 µs, which keeps the hand-off to a thread a small share of the work; a front end that sends
 * chunks over a network aims higher, to hide the round trip.
 *
 * @param targetNanos the work a chunk of cheap items should take, in nanoseconds (positive)
 * @param maxItems the largest chunk, whatever the measurements say (positive)
 * @param fixedItems every chunk's size, or 0 for sizes that adapt to the measured cost
 */
public record ChunkSizing(long targetNanos, int maxItems, int fixedItems) {

  /** The sizing of a local call: chunks of about 100 µs, at most 65,536 items. */
  public static final ChunkSizing LOCAL = new ChunkSizing(100_000, 1 << 16, 0);

  /** Checks the components. */
  public ChunkSizing {
    if (targetNanos <= 0 || maxItems <= 0 || fixedItems < 0) {
      throw new IllegalArgumentException(
          "chunk sizing needs a positive target and maximum, and a fixed size of 0 or more");
    }
  }

  /** Chunks that adapt to the measured cost: about {@code target} of work, at most {@code max}. */
  public static ChunkSizing adaptive(Duration target, int maxItems) {
    return new ChunkSizing(Durations.saturatedNanos(target), maxItems, 0);
  }

  /** Chunks of {@code items} items each (the last one may be smaller). */
  public static ChunkSizing fixed(int items) {
    return new ChunkSizing(LOCAL.targetNanos, Math.max(items, 1), items);
  }
}
