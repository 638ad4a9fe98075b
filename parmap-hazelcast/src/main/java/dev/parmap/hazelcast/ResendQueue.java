package dev.parmap.hazelcast;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The chunks of a call waiting to be sent (again), lowest input index first, each held at most
 * once, and the failure policy for chunks lost with their members: a chunk may be re-sent at most
 * {@code maxResends} times; the loss after that is refused, so that an item that kills every member
 * it runs on (a poison item) stops the call instead of walking through the whole cluster.
 *
 * <p>A chunk is known by the index of its first item. Used by the thread that drives the call only.
 *
 * @param <C> the chunk
 */
final class ResendQueue<C> {

  /** What {@link #resend} did. */
  enum Outcome {
    /** Queued for another member; counted against the cap. */
    QUEUED,
    /** Already waiting in the queue: not queued twice, not counted again. */
    ALREADY_QUEUED,
    /** Re-sent {@code maxResends} times already: not queued. */
    CAP_REACHED
  }

  private final int maxResends;
  private final TreeMap<Long, C> queued = new TreeMap<>();
  private final Map<Long, Integer> resends = new HashMap<>();

  ResendQueue(int maxResends) {
    if (maxResends < 0) {
      throw new IllegalArgumentException("maxResends must be at least 0, but was " + maxResends);
    }
    this.maxResends = maxResends;
  }

  /** Queues a chunk that was not sent yet (no member had room); not a re-send. */
  void add(long first, C chunk) {
    queued.putIfAbsent(first, chunk);
  }

  /** Queues a chunk whose member was lost, unless it is queued already or past the cap. */
  Outcome resend(long first, C chunk) {
    if (queued.containsKey(first)) {
      return Outcome.ALREADY_QUEUED;
    }
    int sent = resends.getOrDefault(first, 0);
    if (sent >= maxResends) {
      return Outcome.CAP_REACHED;
    }
    resends.put(first, sent + 1);
    queued.put(first, chunk);
    return Outcome.QUEUED;
  }

  /** The queued chunk with the lowest index, removed; null if none. */
  @Nullable C poll() {
    Map.Entry<Long, C> head = queued.pollFirstEntry();
    return head == null ? null : head.getValue();
  }

  /** Forgets a chunk that is done: it leaves the queue, and its count is dropped. */
  void done(long first) {
    queued.remove(first);
    resends.remove(first);
  }

  /** How many times the chunk was re-sent. */
  int resends(long first) {
    return resends.getOrDefault(first, 0);
  }

  int maxResends() {
    return maxResends;
  }

  int size() {
    return queued.size();
  }
}
