package dev.parmap.hazelcast;

import java.io.Serializable;

/**
 * An item's failure on a member, in the results of a chunk that asked the member to go on after a
 * failure (outcomes, or retry at the caller): what the task threw (or a stand-in, {@link
 * ChunkTask#sendable}), and how long the item ran.
 */
record FailedItem(Throwable cause, long nanos) implements Serializable {
  private static final long serialVersionUID = 1L;
}
