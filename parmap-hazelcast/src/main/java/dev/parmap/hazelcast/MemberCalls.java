package dev.parmap.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A member's side of parmap: how it checks and reads chunks (its {@link ChunkSigner} and {@link
 * WireSerialization}), its record of the chunks it is running, by call, and of the calls that
 * ended, so that a caller that stops or ends a call can interrupt its chunks and have the member
 * drop those still queued. One per Hazelcast instance, kept in its user context (not in a static
 * field: several members may share a JVM); {@link HazelcastSetup#member} puts it there.
 */
final class MemberCalls {
  static final String KEY = MemberCalls.class.getName();

  /** Ended call ids remembered, at most: enough for the chunks still queued behind them. */
  private static final int MAX_ENDED = 4096;

  private final ChunkSigner signer;
  private final WireSerialization wire;
  private final UserTypes userTypes;

  // Guarded by this.
  private final Map<UUID, Set<Thread>> running = new HashMap<>();
  private final Map<Started, Long> startedAt = new HashMap<>(); // chunks running: since when
  private final LinkedHashSet<UUID> ended = new LinkedHashSet<>();
  private @Nullable PauseWatch pauseWatch;

  MemberCalls(ChunkSigner signer, WireSerialization wire) {
    this(signer, wire, UserTypes.NONE);
  }

  MemberCalls(ChunkSigner signer, WireSerialization wire, UserTypes userTypes) {
    this.signer = signer;
    this.wire = wire;
    this.userTypes = userTypes;
  }

  /** The item and result types registered with Hazelcast's serialization ({@link UserTypes}). */
  UserTypes userTypes() {
    return userTypes;
  }

  /** The member's own, or (a member not set up by parmap) one without secret or extra packages. */
  static MemberCalls of(HazelcastInstance member) {
    MemberCalls calls =
        (MemberCalls)
            member
                .getUserContext()
                .computeIfAbsent(
                    KEY,
                    key ->
                        new MemberCalls(
                            ChunkSigner.none(), WireSerialization.of(ClusterConfig.defaults())));
    calls.watchPauses(member);
    return calls;
  }

  ChunkSigner signer() {
    return signer;
  }

  WireSerialization wire() {
    return wire;
  }

  /** Starts the pause watch with the first chunk; it ends when the member shuts down. */
  private void watchPauses(HazelcastInstance member) {
    synchronized (this) {
      if (pauseWatch != null) {
        return;
      }
      pauseWatch = new PauseWatch("hz." + member.getName() + ".pause-watch");
    }
    member
        .getLifecycleService()
        .addLifecycleListener(
            event -> {
              if (event.getState() == LifecycleState.SHUTTING_DOWN
                  || event.getState() == LifecycleState.SHUTDOWN) {
                closePauseWatch();
              }
            });
    if (!member.getLifecycleService().isRunning()) {
      closePauseWatch();
    }
  }

  private synchronized void closePauseWatch() {
    PauseWatch watch = pauseWatch;
    if (watch != null) {
      watch.close();
    }
  }

  /** The longest pause of this JVM since {@code since}; 0 before the watch started. */
  synchronized long longestPauseAfter(long since) {
    PauseWatch watch = pauseWatch;
    return watch == null ? 0 : watch.longestPauseAfter(since);
  }

  /**
   * Records that the current thread runs the chunk of {@code call} that starts at {@code first};
   * returns false, recording nothing, if the call ended.
   */
  synchronized boolean enter(UUID call, long first) {
    if (ended.contains(call)) {
      return false;
    }
    running.computeIfAbsent(call, c -> new HashSet<>()).add(Thread.currentThread());
    startedAt.put(new Started(call, first), System.nanoTime());
    return true;
  }

  /**
   * How long the chunk of {@code call} at {@code first} has been running here, in nanoseconds; or
   * {@link ChunkProbe#NOT_RUNNING} if it does not run now (queued, done, or never received).
   */
  synchronized long runningFor(UUID call, long first) {
    Long since = startedAt.get(new Started(call, first));
    return since == null ? ChunkProbe.NOT_RUNNING : System.nanoTime() - since;
  }

  /**
   * Records that the current thread is done with its chunk of {@code call}. An interrupt sent by
   * {@link #end} is cleared here, under the same lock, so that it cannot reach the next task the
   * thread runs.
   */
  synchronized void exit(UUID call, long first) {
    startedAt.remove(new Started(call, first));
    Set<Thread> threads = running.get(call);
    if (threads != null) {
      threads.remove(Thread.currentThread());
      if (threads.isEmpty()) {
        running.remove(call);
      }
    }
    if (ended.contains(call)) {
      Thread.interrupted();
    }
  }

  /**
   * Records that the call ended (it returned, failed or was cancelled): interrupts its running
   * chunks and makes its queued ones end without running.
   */
  synchronized void end(UUID call) {
    if (ended.add(call) && ended.size() > MAX_ENDED) {
      ended.remove(ended.iterator().next());
    }
    for (Thread thread : running.getOrDefault(call, Set.of())) {
      thread.interrupt();
    }
  }

  synchronized boolean hasEnded(UUID call) {
    return ended.contains(call);
  }

  /** A chunk, by its call and its first index. */
  private record Started(UUID call, long first) {}
}
