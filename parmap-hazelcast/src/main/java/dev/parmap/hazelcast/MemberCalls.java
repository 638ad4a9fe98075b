package dev.parmap.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A member's record of the chunks it is running, by call, so that a caller that stops a call (a
 * task failed, the stream was closed, the caller was interrupted) can interrupt them and have the
 * member skip the call's chunks still queued. One per Hazelcast instance, kept in its user context
 * (not in a static field: several members may share a JVM).
 */
final class MemberCalls {
  private static final String KEY = MemberCalls.class.getName();

  /** Cancelled call ids remembered, at most: enough for the chunks still queued behind them. */
  private static final int MAX_CANCELLED = 4096;

  // Guarded by this.
  private final Map<UUID, Set<Thread>> running = new HashMap<>();
  private final LinkedHashSet<UUID> cancelled = new LinkedHashSet<>();

  static MemberCalls of(HazelcastInstance member) {
    return (MemberCalls) member.getUserContext().computeIfAbsent(KEY, key -> new MemberCalls());
  }

  /**
   * Records that the current thread runs a chunk of {@code call}; returns false, recording nothing,
   * if the call was cancelled.
   */
  synchronized boolean enter(UUID call) {
    if (cancelled.contains(call)) {
      return false;
    }
    running.computeIfAbsent(call, c -> new HashSet<>()).add(Thread.currentThread());
    return true;
  }

  /**
   * Records that the current thread is done with its chunk of {@code call}. An interrupt sent by
   * {@link #cancel} is cleared here, under the same lock, so that it cannot reach the next task the
   * thread runs.
   */
  synchronized void exit(UUID call) {
    Set<Thread> threads = running.get(call);
    if (threads != null) {
      threads.remove(Thread.currentThread());
      if (threads.isEmpty()) {
        running.remove(call);
      }
    }
    if (cancelled.contains(call)) {
      Thread.interrupted();
    }
  }

  /** Interrupts the call's running chunks and makes its queued ones end without running. */
  synchronized void cancel(UUID call) {
    if (cancelled.add(call) && cancelled.size() > MAX_CANCELLED) {
      cancelled.remove(cancelled.iterator().next());
    }
    for (Thread thread : running.getOrDefault(call, Set.of())) {
      thread.interrupt();
    }
  }

  synchronized boolean isCancelled(UUID call) {
    return cancelled.contains(call);
  }
}
