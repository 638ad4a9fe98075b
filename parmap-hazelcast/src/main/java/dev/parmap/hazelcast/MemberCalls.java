package dev.parmap.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import dev.parmap.Task;
import dev.parmap.engine.PoolTimer;
import dev.parmap.engine.ResourceWork;
import dev.parmap.engine.WorkerResources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A member's side of parmap: how it checks and reads chunks (its {@link ChunkSigner} and {@link
 * WireSerialization}), its record of the chunks it is running, by call, and of the calls that
 * ended, so that a caller that stops or ends a call can interrupt its chunks and have the member
 * drop those still queued. One per Hazelcast instance, kept in its user context (not in a static
 * field: several members may share a JVM); {@link HazelcastSetup#member} puts it there.
 *
 * <p><b>A call's task and resources.</b> A call's task comes with the first chunks a caller sends
 * here and is kept ({@link Held}) until the call ends here: its caller's notice ({@link #end}), or
 * the member drops it after no chunk of it ran for the chunk timeout (a caller that died sends no
 * notice). A chunk that comes without the task when none is held (a restarted member, a dropped
 * call) is answered {@link ChunkResult.Kind#NEEDS_TASK}, and its caller sends it again with the
 * task. A call whose task needs per-worker resources ({@link ClusterResource}) keeps them here, in
 * a core {@link WorkerResources}: created lazily by the chunk that needs one, at most one per chunk
 * of the call running here at once, lent to one chunk at a time and reused by the next, and all
 * closed when the call ends here (those still lent, when their chunk ends).
 *
 * <p>The member's timer ({@link #timer}, one thread made at the first alarm and ending after a
 * second without any) rings the per-item timeouts, the callers' deadlines and the drop of idle
 * calls; it ends with the member.
 */
final class MemberCalls {
  static final String KEY = MemberCalls.class.getName();

  /** Ended call ids remembered, at most: enough for the chunks still queued behind them. */
  private static final int MAX_ENDED = 4096;

  private final ChunkSigner signer;
  private final WireSerialization wire;
  private final PoolTimer timer = new PoolTimer("parmap-member-");
  private final UserTypes userTypes;

  // Guarded by this.
  private final Map<UUID, Set<Thread>> running = new HashMap<>();
  private final Map<Started, Long> startedAt = new HashMap<>(); // chunks running: since when
  private final Map<Started, Thread> chunkThreads = new HashMap<>(); // chunks running: where
  private final LinkedHashSet<Started> cancelledChunks = new LinkedHashSet<>();
  private final Map<UUID, Held> held = new HashMap<>();
  private final LinkedHashSet<UUID> ended = new LinkedHashSet<>();
  private @Nullable PauseWatch pauseWatch;
  private boolean dropsIdleCalls; // a member whose shutdown ends the timer: see watchPauses

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
      dropsIdleCalls = true;
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

  private void closePauseWatch() {
    List<Held> dropped;
    synchronized (this) {
      PauseWatch watch = pauseWatch;
      if (watch != null) {
        watch.close();
      }
      dropped = new ArrayList<>(held.values());
      held.clear();
    }
    dropped.forEach(Held::close);
    timer.shutdown();
  }

  /** The member's timer: per-item timeouts, callers' deadlines, idle calls. */
  PoolTimer timer() {
    return timer;
  }

  /** Whether this member holds the task of {@code call}. */
  synchronized boolean holdsTask(UUID call) {
    return held.containsKey(call);
  }

  /** The longest pause of this JVM since {@code since}; 0 before the watch started. */
  synchronized long longestPauseAfter(long since) {
    PauseWatch watch = pauseWatch;
    return watch == null ? 0 : watch.longestPauseAfter(since);
  }

  /**
   * Records that the current thread runs the chunk of {@code call} that starts at {@code first},
   * and returns what the member holds of the call: its task (kept from {@code sent} if it holds
   * none yet). Returns null, recording nothing, if the call ended, and {@link Held#NONE} if the
   * member holds no task for the call and none was sent.
   *
   * @param sent the task the chunk carried, read already; null if it carried none
   * @param idleNanos how long the call's task is kept after its last chunk here
   */
  synchronized @Nullable Held enter(
      UUID call,
      long first,
      @Nullable Task<@Nullable Object, @Nullable Object> sent,
      long idleNanos) {
    Started chunk = new Started(call, first);
    if (ended.contains(call) || cancelledChunks.contains(chunk)) {
      return null;
    }
    Held kept = held.get(call);
    if (kept == null) {
      if (sent == null) {
        return Held.NONE;
      }
      kept = new Held(sent, idleNanos);
      held.put(call, kept);
    }
    running.computeIfAbsent(call, c -> new HashSet<>()).add(Thread.currentThread());
    startedAt.put(chunk, System.nanoTime());
    chunkThreads.put(chunk, Thread.currentThread());
    return kept;
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
   * {@link #end} or {@link #cancelChunk} is cleared here, under the same lock, so that it cannot
   * reach the next task the thread runs.
   */
  synchronized void exit(UUID call, long first) {
    Started chunk = new Started(call, first);
    startedAt.remove(chunk);
    chunkThreads.remove(chunk);
    Set<Thread> threads = running.get(call);
    if (threads != null) {
      threads.remove(Thread.currentThread());
      if (threads.isEmpty()) {
        running.remove(call);
        notifyAll(); // awaitEnded
        Held kept = held.get(call);
        if (kept != null) {
          kept.lastUsed = System.nanoTime();
          watchIdle(call, kept);
        }
      }
    }
    if (ended.contains(call) || cancelledChunks.contains(chunk)) {
      Thread.interrupted();
    }
  }

  /**
   * Records that the caller no longer needs the chunk of {@code call} at {@code first} (another
   * member answered a copy of it first): interrupts it if it runs here, and makes it end without
   * running if it is still queued. The call's other chunks go on.
   */
  synchronized void cancelChunk(UUID call, long first) {
    Started chunk = new Started(call, first);
    if (cancelledChunks.add(chunk) && cancelledChunks.size() > MAX_ENDED) {
      cancelledChunks.remove(cancelledChunks.iterator().next());
    }
    Thread runner = chunkThreads.get(chunk);
    if (runner != null) {
      runner.interrupt(); // cleared in exit, under this lock, if it came after the chunk's end
    }
  }

  /** Whether the chunk of {@code call} at {@code first} was cancelled, or its call ended. */
  synchronized boolean isCancelled(UUID call, long first) {
    return ended.contains(call)
        || (!cancelledChunks.isEmpty() && cancelledChunks.contains(new Started(call, first)));
  }

  /** Drops the call's task and resources once no chunk of it ran for its idle time. */
  private void watchIdle(UUID call, Held kept) {
    if (kept.idleWatch != null || !dropsIdleCalls) {
      return;
    }
    long due = Math.max(0, kept.lastUsed + kept.idleNanos - System.nanoTime());
    try {
      kept.idleWatch =
          timer.get().schedule(() -> dropIfIdle(call, kept), due, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The member is shutting down: closePauseWatch closes what it holds.
    }
  }

  private void dropIfIdle(UUID call, Held kept) {
    synchronized (this) {
      kept.idleWatch = null;
      if (held.get(call) != kept || running.containsKey(call)) {
        return;
      }
      if (System.nanoTime() - kept.lastUsed < kept.idleNanos) {
        watchIdle(call, kept);
        return;
      }
      held.remove(call);
    }
    kept.close();
  }

  /**
   * Records that the call ended (it returned, failed or was cancelled): interrupts its running
   * chunks and makes its queued ones end without running.
   */
  void end(UUID call) {
    Held dropped;
    synchronized (this) {
      if (ended.add(call) && ended.size() > MAX_ENDED) {
        ended.remove(ended.iterator().next());
      }
      for (Thread thread : running.getOrDefault(call, Set.of())) {
        thread.interrupt();
      }
      dropped = held.remove(call);
      if (dropped != null && dropped.idleWatch != null) {
        dropped.idleWatch.cancel(false); // the timer's thread ends once it has nothing to do
      }
    }
    if (dropped != null) {
      dropped.close(); // the idle resources now, those still lent when their chunk ends
    }
  }

  /**
   * Waits until no chunk of {@code call} runs here, at most {@code nanos}: after {@link #end}, for
   * the resources lent to its interrupted chunks to be closed.
   *
   * @return whether none runs any more
   */
  synchronized boolean awaitEnded(UUID call, long nanos) throws InterruptedException {
    long until = System.nanoTime() + nanos;
    while (running.containsKey(call)) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  synchronized boolean hasEnded(UUID call) {
    return ended.contains(call);
  }

  /**
   * What a member holds of a call while it runs chunks of it: its task and, if the task needs them,
   * its per-worker resources.
   */
  static final class Held {
    /** Not held: the chunk must come again with the task. */
    static final Held NONE = new Held(null, 0);

    private static final System.Logger LOG = System.getLogger(MemberCalls.class.getName());

    final @Nullable Task<@Nullable Object, @Nullable Object> task;
    final @Nullable ResourceWork resourceWork;
    final @Nullable WorkerResources resources;
    final long idleNanos;

    // Guarded by the MemberCalls.
    long lastUsed = System.nanoTime();
    @Nullable ScheduledFuture<?> idleWatch;

    Held(@Nullable Task<@Nullable Object, @Nullable Object> task, long idleNanos) {
      this.task = task;
      this.idleNanos = idleNanos;
      this.resourceWork =
          task instanceof ClusterResource.Bound<?, ?, ?> bound ? bound.forMember() : null;
      this.resources = resourceWork == null ? null : new WorkerResources(resourceWork);
    }

    /** Closes the idle resources, and those given back from now on. */
    void close() {
      WorkerResources all = resources;
      if (all == null) {
        return;
      }
      Throwable failed = all.closeAll();
      if (failed != null) {
        // The caller does not wait for this: the member's log is where it can be seen.
        LOG.log(System.Logger.Level.WARNING, "parmap: a worker resource failed to close", failed);
      }
    }
  }

  /** A chunk, by its call and its first index. */
  private record Started(UUID call, long first) {}
}
