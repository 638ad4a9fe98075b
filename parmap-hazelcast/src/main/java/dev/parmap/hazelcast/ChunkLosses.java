package dev.parmap.hazelcast;

import java.util.ArrayList;
import java.util.List;

/**
 * The losses of one chunk with the members that held it, against the re-send cap: a chunk lost with
 * its member is re-sent at most {@code maxResends} times; lost once more, it is taken for a poison
 * item. Used by the one thread that sends the chunk ({@link ClusterCall}), which also makes sure a
 * chunk is never in two queues: it is its thread's alone, re-sent by that thread.
 */
final class ChunkLosses {
  private final int maxResends;
  private final List<String> reasons = new ArrayList<>(1);

  ChunkLosses(int maxResends) {
    this.maxResends = maxResends;
  }

  /**
   * Records that the chunk was lost with a member, for {@code why}.
   *
   * @return whether it may be re-sent; false once it was lost more than {@code maxResends} times
   */
  boolean lost(String why) {
    reasons.add(why);
    return reasons.size() <= maxResends;
  }

  /** Why each member that held the chunk was lost, in order. */
  List<String> reasons() {
    return List.copyOf(reasons);
  }

  int maxResends() {
    return maxResends;
  }
}
