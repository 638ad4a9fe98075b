package dev.parmap.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.parmap.CallInterruptedException;
import dev.parmap.InputFailedException;
import dev.parmap.ParmapException;
import dev.parmap.Pool;
import dev.parmap.TaskFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A pool whose tasks run on the members of a Hazelcast cluster: the calls of {@link Pool} ({@link
 * #map}, {@link #stream}, {@link #streamUnordered}, {@link #forEach}) for work that one machine
 * cannot do alone.
 *
 * <pre>{@code
 * ClusterConfig config = ClusterConfig.builder()
 *     .members("10.0.0.5:5701", "10.0.0.6:5701", "10.0.0.7:5701")
 *     .build();
 * try (ClusterPool pool = ClusterPool.client(config)) {
 *     List<Integer> lengths = pool.map(urls, url -> fetch(url).length());
 * }
 * }</pre>
 *
 * <h2>Two ways to connect</h2>
 *
 * <ul>
 *   <li>{@link #client}: connects as a Hazelcast client to members already running (started with
 *       {@link Worker}); the caller's JVM runs no task.
 *   <li>{@link #embedded}: starts a Hazelcast member in the caller's JVM, which joins the given
 *       members (or forms a cluster alone) and runs chunks too.
 * </ul>
 *
 * The members must be started by parmap ({@link Worker} or {@link #embedded}): they register
 * parmap's message types, executors and allow-list, and have the classes of the tasks and items on
 * their class path.
 *
 * <h2>Contract of every call</h2>
 *
 * As {@link Pool}'s, with these differences that distribution brings:
 *
 * <ul>
 *   <li><b>Serializable.</b> Tasks are {@link SerializableTask}s (a lambda compiles into one) and
 *       are checked at the call: one that does not serialize throws {@link
 *       IllegalArgumentException} before any item is read. An item that does not serialize stops
 *       the call with {@link ItemNotSerializableException}, naming its index, before its chunk is
 *       sent. A result that is not {@link java.io.Serializable} fails its item as a task failure.
 *   <li><b>Order.</b> {@link #map} and {@link #stream} give the results in input order, {@link
 *       #streamUnordered} in the order chunks come back.
 *   <li><b>Chunks.</b> Consecutive items travel together, in chunks sized to hold about 50 ms of
 *       work (measured as the call goes; one item when items are slower), smaller near the end of
 *       an input of known size. Each member runs as many chunks at once as it has worker threads,
 *       and is sent a few more to queue. At most 16,384 items read but not handed over are held.
 *   <li><b>Failures of members.</b> When a member leaves or dies (a crash, {@code kill -9}), its
 *       chunks in flight are sent to the other members. When a member does not return a chunk
 *       within the {@linkplain ClusterConfig#chunkTimeout() chunk timeout}, or stops answering
 *       heartbeats for the {@linkplain ClusterConfig#heartbeatTimeout() heartbeat timeout}, the
 *       call gives up on it and sends its chunks elsewhere. When no member is left, the call throws
 *       {@link ClusterFailedException}. Only members that carry parmap's member attribute are sent
 *       chunks; a plain Hazelcast member in the cluster is left alone.
 *   <li><b>Re-send cap.</b> A chunk lost with its member is re-sent at most {@linkplain
 *       ClusterConfig#maxResends() maxResends} times (3 by default); lost once more, the call
 *       throws {@link ClusterFailedException} naming its items (index and the start of {@code
 *       toString()}): an item that kills every member it runs on stops the call, not the cluster. A
 *       chunk is never queued twice for re-sending.
 *   <li><b>Ended calls.</b> When a call ends, the members given up on or still holding its chunks
 *       are told to drop them; a member that stood still (stopped, a long GC pause) for a good part
 *       of the caller's timeouts drops the chunks it held. An answer that arrives after the call
 *       ended, or for a chunk already done, is dropped.
 *   <li><b>Same code.</b> A member that loaded another version of the class declaring the task than
 *       the caller (by the SHA-256 of its class file: a worker recompiled but not restarted)
 *       refuses the chunk, and the call fails with {@link ParmapException} naming that member.
 *   <li><b>At least once, exactly once in the output.</b> A chunk re-sent may run twice (the first
 *       member may have run part of it, or all of it before it hung): tasks should be idempotent.
 *       The output still holds each item's result exactly once: the first result that arrives for a
 *       chunk is kept, later copies are dropped.
 *   <li><b>Fail fast.</b> When a task throws on a member, the call throws {@link
 *       TaskFailedException} naming the item and its index, with exactly the task's exception as
 *       the cause (its class must be allow-listed and serializable, or a {@link ParmapException}
 *       with its description and stack trace stands in). Other failures already received are
 *       attached as suppressed. An input that throws gives {@link InputFailedException}.
 *   <li><b>Stopping.</b> When a call stops early (a failure, a closed stream, an interrupted
 *       caller), the members holding its chunks are asked to interrupt them and to skip those still
 *       queued; the call does not wait for their answer, so that a member that hangs cannot hold
 *       it. An interrupted caller gets {@link CallInterruptedException}, with its interrupt flag
 *       set again.
 *   <li><b>Threads.</b> The calling thread (or the stream's consumer) drives the call; Hazelcast's
 *       own threads deliver the results. A call starts no thread of its own.
 * </ul>
 *
 * <h2>Security</h2>
 *
 * Hazelcast's open-source edition has no TLS and no authentication: anyone who can reach a member's
 * port can join the cluster or submit work. Keep members on a private network (they bind to {@code
 * 127.0.0.1} unless told otherwise). Members and clients deserialize only allow-listed classes,
 * within limits of depth, array length and references (see {@link ClusterConfig}); a refusal says
 * whether this caller or which member refused. With a {@linkplain
 * ClusterConfig.Builder#sharedSecret shared secret}, chunks and answers are signed (HMAC-SHA256):
 * members run no chunk from a caller without it, and this pool refuses answers from a member
 * without it. An answer whose length or item index does not match its chunk is refused too.
 *
 * <h2>Lifecycle</h2>
 *
 * A pool is thread-safe. {@link #close()} refuses new calls, waits for the blocking calls in
 * progress, then shuts the client or embedded member down.
 *
 * @since 0.1
 */
public final class ClusterPool implements AutoCloseable {

  private final HazelcastInstance instance;
  private final ClusterConfig config;
  private final String description;
  private final IExecutorService chunkExecutor;
  private final IExecutorService cancelExecutor;
  private final ChunkSigner signer;
  private final WireSerialization wire;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private boolean closed;
  private int blockingCalls;

  private ClusterPool(HazelcastInstance instance, ClusterConfig config, String description) {
    this.instance = instance;
    this.config = config;
    this.description = description;
    this.chunkExecutor = instance.getExecutorService(HazelcastSetup.CHUNK_EXECUTOR);
    this.cancelExecutor = instance.getExecutorService(HazelcastSetup.CANCEL_EXECUTOR);
    this.signer = ChunkSigner.of(config);
    this.wire = WireSerialization.of(config);
    instance
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {
                signalChange();
              }

              @Override
              public void memberRemoved(MembershipEvent event) {
                signalChange();
              }
            });
  }

  // ---------------------------------------------------------------------------------------------
  // Factories

  /**
   * Connects as a client to the members listed in {@code config}, and from them to the whole
   * cluster. Blocks until connected.
   *
   * @param config the cluster name, member addresses, allowed packages and timeouts
   * @return a pool; close it when done
   * @throws ClusterFailedException if no member could be reached within the connect timeout
   */
  public static ClusterPool client(ClusterConfig config) {
    Objects.requireNonNull(config, "config must not be null");
    HazelcastInstance client;
    try {
      client = HazelcastClient.newHazelcastClient(HazelcastSetup.client(config));
    } catch (RuntimeException e) {
      throw new ClusterFailedException(
          "could not connect to cluster '"
              + config.clusterName()
              + "' at "
              + config.members()
              + " within "
              + config.connectTimeout()
              + ": "
              + e,
          e);
    }
    return new ClusterPool(
        client, config, "ClusterPool.client(cluster '" + config.clusterName() + "')");
  }

  /**
   * Starts a Hazelcast member in this JVM, bound to {@code config}'s bind address and port, which
   * joins the members listed in {@code config} (or forms a cluster alone if none answers) and runs
   * chunks itself with {@link ClusterConfig#threads()} threads. Blocks until the member is up.
   *
   * @param config the cluster name, member addresses, bind address, port, threads, allowed packages
   *     and timeouts
   * @return a pool; close it when done (that shuts the member down)
   * @throws ClusterFailedException if the member could not start (the port is taken, say)
   */
  public static ClusterPool embedded(ClusterConfig config) {
    Objects.requireNonNull(config, "config must not be null");
    HazelcastInstance member;
    try {
      member = Hazelcast.newHazelcastInstance(HazelcastSetup.member(config, "member"));
    } catch (RuntimeException e) {
      throw new ClusterFailedException(
          "could not start a member of cluster '"
              + config.clusterName()
              + "' on "
              + config.bindAddress()
              + ":"
              + config.port()
              + ": "
              + e,
          e);
    }
    return new ClusterPool(
        member, config, "ClusterPool.embedded(cluster '" + config.clusterName() + "')");
  }

  // ---------------------------------------------------------------------------------------------
  // Calls

  /**
   * Applies {@code task} to every item on the cluster and returns the results in input order.
   * Blocks until every item is done.
   *
   * @param items the items; read once, lazily, on the calling thread; may contain {@code null}
   * @param task applied to each item, on the members; may return {@code null}
   * @return an unmodifiable list with the result of item {@code i} at position {@code i}
   * @throws IllegalArgumentException if the task cannot be serialized (nothing was sent)
   * @throws ItemNotSerializableException if an item cannot be serialized
   * @throws TaskFailedException if a task threw (fail fast)
   * @throws InputFailedException if the items' iterator threw
   * @throws ClusterFailedException if no member is left to run the remaining chunks
   * @throws CallInterruptedException if the calling thread was interrupted while waiting
   * @throws ParmapException if a chunk could not be run (for instance a class outside the
   *     allow-list)
   * @throws IllegalStateException if the pool is closed
   */
  public <T extends @Nullable Object, R extends @Nullable Object> List<R> map(
      Iterable<? extends T> items, SerializableTask<? super T, ? extends R> task) {
    ClusterRun<R> run = start(items, task, ClusterRun.Mode.LIST, "ClusterPool.map", "task");
    try {
      return run.toList();
    } finally {
      endBlockingCall();
    }
  }

  /**
   * Applies {@code action} to every item on the cluster. Blocks until every item is done; failures
   * are as for {@link #map}. An action may run more than once for an item (see the class
   * description).
   *
   * @param items the items; read once, lazily, on the calling thread; may contain {@code null}
   * @param action applied to each item, on the members
   * @throws IllegalArgumentException if the action cannot be serialized (nothing was sent)
   * @throws ItemNotSerializableException if an item cannot be serialized
   * @throws TaskFailedException if an action threw (fail fast)
   * @throws InputFailedException if the items' iterator threw
   * @throws ClusterFailedException if no member is left to run the remaining chunks
   * @throws IllegalStateException if the pool is closed
   */
  public <T extends @Nullable Object> void forEach(
      Iterable<? extends T> items, SerializableAction<? super T> action) {
    Objects.requireNonNull(action, "action must not be null");
    ClusterRun<@Nullable Object> run =
        start(
            items,
            new ActionTask<T>(action),
            ClusterRun.Mode.FOR_EACH,
            "ClusterPool.forEach",
            "action");
    try {
      run.runAll();
    } finally {
      endBlockingCall();
    }
  }

  /**
   * Applies {@code task} to the items on the cluster and streams the results in input order,
   * lazily: nothing is read or sent until the stream is consumed, and each result is available once
   * it and every result before it are back. Close the stream (try-with-resources) when you may stop
   * before its end: closing cancels its chunks on the members. Failures are thrown by the stream
   * operation that pulls next.
   *
   * @param items the items; may contain {@code null}
   * @param task applied to each item, on the members; may return {@code null}
   * @return a sequential, ordered stream of the results
   * @throws IllegalArgumentException if the task cannot be serialized
   * @throws IllegalStateException if the pool is closed
   */
  public <T extends @Nullable Object, R extends @Nullable Object> Stream<R> stream(
      Iterable<? extends T> items, SerializableTask<? super T, ? extends R> task) {
    return streamOf(start(items, task, ClusterRun.Mode.ORDERED, "ClusterPool.stream", "task"));
  }

  /**
   * As {@link #stream}, but the results come in the order their chunks come back.
   *
   * @param items the items; may contain {@code null}
   * @param task applied to each item, on the members; may return {@code null}
   * @return a sequential stream of the results in completion order (by chunk)
   * @throws IllegalArgumentException if the task cannot be serialized
   * @throws IllegalStateException if the pool is closed
   */
  public <T extends @Nullable Object, R extends @Nullable Object> Stream<R> streamUnordered(
      Iterable<? extends T> items, SerializableTask<? super T, ? extends R> task) {
    return streamOf(
        start(items, task, ClusterRun.Mode.UNORDERED, "ClusterPool.streamUnordered", "task"));
  }

  // ---------------------------------------------------------------------------------------------
  // Members

  /**
   * Returns how many members run chunks now: members started by parmap ({@link Worker}, {@link
   * #embedded}); lite members, clients and plain Hazelcast members do not.
   *
   * @return the number of members in the cluster as this pool sees it
   */
  public int memberCount() {
    return workers().size();
  }

  /**
   * Waits until at least {@code count} members run chunks, for instance after starting workers.
   *
   * @param count the number of members to wait for, at least 1
   * @param timeout how long to wait at most
   * @return {@code true} if that many members are there, {@code false} if the time ran out
   * @throws InterruptedException if the calling thread was interrupted while waiting
   */
  public boolean awaitMembers(int count, Duration timeout) throws InterruptedException {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, but was " + count);
    }
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (memberCount() < count) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /**
   * Refuses new calls, waits for the blocking calls in progress ({@code map}, {@code forEach}) on
   * other threads, then shuts the client or the embedded member down. Streams not consumed to their
   * end throw {@link IllegalStateException} when pulled afterwards. If the calling thread is
   * interrupted while waiting, the pool shuts down at once (calls in progress then fail) and the
   * interrupt flag is set again. Calling it again has no further effect.
   */
  @Override
  public void close() {
    boolean interrupted = false;
    lock.lock();
    try {
      closed = true;
      while (blockingCalls > 0 && !interrupted) {
        try {
          changed.await();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      lock.unlock();
    }
    instance.shutdown();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return description;
  }

  // ---------------------------------------------------------------------------------------------
  // Internals, for ClusterRun

  ClusterConfig config() {
    return config;
  }

  IExecutorService chunkExecutor() {
    return chunkExecutor;
  }

  IExecutorService cancelExecutor() {
    return cancelExecutor;
  }

  ChunkSigner signer() {
    return signer;
  }

  WireSerialization wire() {
    return wire;
  }

  boolean isRunning() {
    return instance.getLifecycleService().isRunning();
  }

  /**
   * The members that run chunks: those that carry parmap's member attribute (see {@link
   * MemberSelection}).
   */
  List<Member> workers() {
    List<Member> workers = new ArrayList<>();
    for (Member member : instance.getCluster().getMembers()) {
      if (MemberSelection.runsChunks(member)) {
        workers.add(member);
      }
    }
    return workers;
  }

  /**
   * Throws if the pool can no longer run chunks: {@link IllegalStateException} once closed, {@link
   * ClusterFailedException} if the client or member stopped by itself.
   */
  void checkRunning(String what) {
    if (isRunning()) {
      return;
    }
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException(what + ": " + this + " is closed");
      }
    } finally {
      lock.unlock();
    }
    throw new ClusterFailedException(
        what + ": " + this + " has stopped (its client lost the cluster, or its member shut down)",
        null);
  }

  private <T extends @Nullable Object, R extends @Nullable Object> ClusterRun<R> start(
      Iterable<? extends T> items,
      SerializableTask<? super T, ? extends R> task,
      ClusterRun.Mode mode,
      String what,
      String taskName) {
    Objects.requireNonNull(items, "items must not be null");
    Objects.requireNonNull(task, taskName + " must not be null");
    Serialization.checkTask(task, what);
    boolean blocking = mode == ClusterRun.Mode.LIST || mode == ClusterRun.Mode.FOR_EACH;
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException(
            what + " called on a closed pool (" + this + "): create a new pool for new work");
      }
      if (blocking) {
        blockingCalls++;
      }
    } finally {
      lock.unlock();
    }
    return new ClusterRun<>(this, items, task, mode, what);
  }

  private void endBlockingCall() {
    lock.lock();
    try {
      blockingCalls--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void signalChange() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static <R extends @Nullable Object> Stream<R> streamOf(ClusterRun<R> run) {
    return StreamSupport.stream(run.spliterator(), false).onClose(run::close);
  }

  /** {@code forEach}'s action as a task: a named class rather than a lambda, cheap to send. */
  static final class ActionTask<T extends @Nullable Object>
      implements SerializableTask<T, @Nullable Object> {
    private static final long serialVersionUID = 1L;
    private final SerializableAction<? super T> action;

    ActionTask(SerializableAction<? super T> action) {
      this.action = action;
    }

    SerializableAction<? super T> action() {
      return action;
    }

    @Override
    public @Nullable Object apply(T item) throws Exception {
      action.accept(item);
      return null;
    }
  }
}
