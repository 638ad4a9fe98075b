package dev.parmap.observe;

/**
 * Consecutive items that ran as one task, one after the other on one thread: the unit of a
 * timeline.
 *
 * @param thread the name of the thread that ran them
 * @param virtual whether that thread is virtual
 * @param firstIndex the input index of the first item
 * @param size how many items the chunk held
 * @param done how many of them finished (fewer than {@code size} when the call stopped, or an item
 *     failed and the call failed fast)
 * @param failed how many of them failed
 * @param retries attempts beyond the first, over the chunk's items
 * @param startNanos when the chunk started, in nanoseconds since the call started
 * @param endNanos when it ended, in nanoseconds since the call started
 * @since 0.1
 */
public record ChunkEvent(
    String thread,
    boolean virtual,
    long firstIndex,
    int size,
    int done,
    int failed,
    int retries,
    long startNanos,
    long endNanos) {}
