package dev.parmap.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.parmap.Action;
import dev.parmap.CallInterruptedException;
import dev.parmap.InputFailedException;
import dev.parmap.MapOptions;
import dev.parmap.Outcome;
import dev.parmap.Outcomes;
import dev.parmap.ParallelPool;
import dev.parmap.ParmapException;
import dev.parmap.Pool;
import dev.parmap.ResourceAction;
import dev.parmap.ResourceTask;
import dev.parmap.Task;
import dev.parmap.TaskFailedException;
import dev.parmap.WorkerResource;
import dev.parmap.engine.CallKind;
import dev.parmap.engine.CallOptions;
import dev.parmap.engine.ChunkRunner;
import dev.parmap.engine.ChunkSizing;
import dev.parmap.engine.ClosingStreams;
import dev.parmap.engine.Launcher;
import dev.parmap.engine.PoolContext;
import dev.parmap.engine.PoolTimer;
import dev.parmap.engine.PoolWork;
import dev.parmap.engine.Run;
import dev.parmap.engine.SharedSecrets;
import dev.parmap.engine.Submission;
import dev.parmap.engine.Ticker;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A pool whose tasks run on the members of a Hazelcast cluster: a {@link ParallelPool} with the
 * calls of {@link Pool} ({@link #map}, {@link #forEach}, {@link #stream}, {@link #streamUnordered},
 * {@link #mapAsync}, {@link #with(MapOptions)}, {@link #mapOutcomes}, {@link #streamOutcomes},
 * {@link #streamOutcomesUnordered}, progress listeners and statistics) for work that one machine
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
 *       Items and results of a type registered with Hazelcast ({@linkplain
 *       ClusterConfig.Builder#compactSerializers Compact serializers}, {@linkplain
 *       ClusterConfig.Builder#dataSerializableFactory identified data-serializable factories}) need
 *       not be {@code Serializable}: they travel as Hazelcast serializes them, inside the chunk.
 *   <li><b>Order.</b> {@link #map} and {@link #stream} give the results in input order, {@link
 *       #streamUnordered} in the order chunks come back.
 *   <li><b>Chunks.</b> Consecutive items travel together, in chunks sized to hold about 50 ms of
 *       work (measured as the call goes; one item when items are slower), smaller near the end of
 *       an input of known size. Each member runs as many chunks at once as it has worker threads,
 *       and, in a call that returns all results at once ({@code map}, {@code mapOutcomes}, {@code
 *       mapAsync}, {@code forEach}) or an unordered stream, once the call's chunks are measured
 *       short (a median round trip under half a second), is sent as many more to queue, so that it
 *       starts the next one at once: a call then keeps twice the cluster's threads in chunks in
 *       flight, and at most 64 MiB of serialized chunks. At most 16,384 items read but not handed
 *       over are held. The members are those of the last membership event (a snapshot kept by a
 *       listener, not read again per chunk): a member that joins mid-call is sent chunks at once.
 *   <li><b>Failures of members.</b> When a member leaves or dies (a crash, {@code kill -9}), its
 *       chunks in flight are sent to the other members. When a chunk has run on a member for the
 *       {@linkplain ClusterConfig#chunkTimeout() chunk timeout} (run time: time queued there behind
 *       other callers' chunks does not count, up to the {@linkplain ClusterConfig#queueTimeout()
 *       queue timeout}), when the member does not answer whether it runs it, or stops answering
 *       heartbeats for the {@linkplain ClusterConfig#heartbeatTimeout() heartbeat timeout}, the
 *       call gives up on the member, tells it to drop the call's chunks, and sends them elsewhere.
 *       A member given up on that stays in the cluster rejoins the call after its {@linkplain
 *       ClusterConfig#coolDown() cool-down}. When no member is left to send a chunk to (every one
 *       left or cools down), the call throws {@link ClusterFailedException}. Only members that
 *       carry parmap's member attribute are sent chunks; a plain Hazelcast member in the cluster is
 *       left alone.
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
 *   <li><b>Hedged head of line.</b> In an ordered call ({@link #map}, {@link #stream}, {@link
 *       #mapOutcomes}, {@link #streamOutcomes}, {@link #mapAsync}), the chunk the results wait for
 *       (the lowest one in flight) is sent once more, to another member with room, when it has been
 *       awaited 4 times the median round trip of the call's recent chunks, and at least 1 s; the
 *       first answer wins, and the member that runs the other copy is told to drop it (a hedged
 *       request: Dean and Barroso, "The Tail at Scale", 2013). Not in a call with a per-item
 *       timeout, retry or rate limit: the copy would be an attempt they do not count.
 *   <li><b>At least once, exactly once in the output.</b> A chunk re-sent or hedged may run twice
 *       (the first member may have run part of it, or all of it before it hung): tasks should be
 *       idempotent. The output still holds each item's result exactly once: the first result that
 *       arrives for a chunk is kept, later copies are dropped.
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
 *   <li><b>One engine.</b> Every call is a call of parmap-core's engine, as on a {@link Pool}: the
 *       same window, chunk sizing (with a 50 ms target instead of 100 µs), failure bookkeeping,
 *       result order, deadline, listener and statistics, and self-closing streams (a stream ends
 *       its call when its terminal operation ends, a {@code limit(10)} included: the chunks in
 *       flight are cancelled on the members and no more are sent). Only running a chunk differs:
 *       instead of running its items, the chunk's thread sends it to a member and waits.
 *   <li><b>Threads.</b> The calling thread (or the stream's consumer, or {@link #mapAsync}'s
 *       virtual thread) drives the call; each chunk in flight has a virtual thread of the call that
 *       waits for its member's answer (up to twice the cluster's worker threads); all are joined
 *       before the call returns. Hazelcast's own threads deliver the answers.
 *   <li><b>Policies.</b> Each option runs where it can keep its promise: the deadline at the caller
 *       (and, as the time left, on the members), the per-item timeout on the members, retry and the
 *       rate limit at the caller, across all members; adaptive concurrency and context propagators
 *       are refused. {@link #with(MapOptions)} says where each runs. On the same failures,
 *       outcomes, failure types, attempts and statistics are those of a {@link Pool}.
 *   <li><b>Per-worker resources.</b> {@link #mapWith}, {@link #forEachWith} and {@link
 *       ClusterResource} keep them on the members: created lazily there, at most one per chunk
 *       running at once, one task at a time, closed when the call ends there. A {@link
 *       WorkerResource}'s task is refused: its resources would stay in this JVM.
 *   <li><b>The task once per member.</b> The task is serialized once per call and sent to each
 *       member with its first chunks there; the member holds it until the call ends there. A member
 *       that rejoins the call after a cool-down is sent it again.
 *   <li><b>Plain tasks.</b> The {@link ParallelPool} methods take a plain {@link Task} (or {@link
 *       Action}): it must serialize all the same (a class that implements {@link
 *       java.io.Serializable}), or the call throws {@link IllegalArgumentException} before any item
 *       is read. A lambda picks the {@link SerializableTask} overload, which always serializes if
 *       what it captures does.
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
 * A pool is thread-safe. {@link #close()} refuses new calls, waits for the calls in progress
 * (blocking calls and {@link #mapAsync}; a stream left open is ended), then shuts the client or
 * embedded member down. A {@link #with(MapOptions)} view shares its pool's lifecycle.
 *
 * @since 0.1
 */
public final class ClusterPool implements ParallelPool {

  /** The work one adaptive chunk aims at: long enough to hide the round trip, short for balance. */
  static final Duration TARGET_CHUNK_TIME = Duration.ofMillis(50);

  /** The largest adaptive chunk, so that one message stays small. */
  static final int MAX_CHUNK = 1024;

  private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();

  static {
    try {
      // The core's public types and options reading reach this module through the engine's
      // SharedSecrets, registered by Pool's static initializer.
      MethodHandles.lookup().ensureInitialized(Pool.class);
    } catch (IllegalAccessException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Shared shared;
  private final MapOptions options;
  private final CallOptions callOptions;

  private ClusterPool(HazelcastInstance instance, ClusterConfig config, String description) {
    this(new Shared(instance, config, description), MapOptions.defaults());
    // The member list is kept from membership events, never scanned per chunk: the initial event
    // sets it, each join or leave replaces it (read by every chunk as one volatile snapshot).
    instance
        .getCluster()
        .addMembershipListener(
            new InitialMembershipListener() {
              @Override
              public void init(InitialMembershipEvent event) {
                shared.membersChanged();
              }

              @Override
              public void memberAdded(MembershipEvent event) {
                shared.membersChanged();
              }

              @Override
              public void memberRemoved(MembershipEvent event) {
                shared.membersChanged();
              }
            });
    shared.membersChanged(); // a client may deliver the initial event later, on its own thread
  }

  private ClusterPool(Shared shared, MapOptions options) {
    this.shared = shared;
    this.options = options;
    this.callOptions = SharedSecrets.callOptions(options);
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
   * As {@link Pool#map}: the results in input order. A lambda compiles into a {@link
   * SerializableTask} and picks this overload.
   */
  public <T extends @Nullable Object, R extends @Nullable Object> List<R> map(
      Iterable<? extends T> items, SerializableTask<? super T, ? extends R> task) {
    return map(items, (Task<? super T, ? extends R>) task);
  }

  /**
   * As {@link Pool#map}. The task must serialize (a {@link SerializableTask}, or a class that is
   * {@link java.io.Serializable}): one that does not throws {@link IllegalArgumentException} before
   * any item is read. A lambda picks the {@link SerializableTask} overload.
   */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object> List<R> map(
      Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    Call<T, R> call = start(items, task, CallKind.MAP, "ClusterPool.map", "task");
    try {
      return call.run.toList();
    } finally {
      call.end();
    }
  }

  /** As {@link Pool#forEach}; a lambda picks this overload. */
  public <T extends @Nullable Object> void forEach(
      Iterable<? extends T> items, SerializableAction<? super T> action) {
    forEach(items, (Action<? super T>) action);
  }

  /**
   * As {@link Pool#forEach}. The action must serialize ({@link SerializableAction}, or a class that
   * is {@link java.io.Serializable}), or the call throws {@link IllegalArgumentException}.
   */
  @Override
  public <T extends @Nullable Object> void forEach(
      Iterable<? extends T> items, Action<? super T> action) {
    Objects.requireNonNull(action, "action must not be null");
    refuseLocalResources(action, "ClusterPool.forEach");
    SerializableTask<T, ?> task =
        action instanceof ClusterResource.BoundAction<?> bound
            ? (SerializableTask<T, ?>) bound.task()
            : new ActionTask<T>(action);
    Call<T, @Nullable Object> call =
        start(items, task, CallKind.FOR_EACH, "ClusterPool.forEach", "action");
    try {
      call.run.runAll();
    } finally {
      call.end();
    }
  }

  /** As {@link Pool#stream}; a lambda picks this overload. */
  public <T extends @Nullable Object, R extends @Nullable Object> Stream<R> stream(
      Iterable<? extends T> items, SerializableTask<? super T, ? extends R> task) {
    return stream(items, (Task<? super T, ? extends R>) task);
  }

  /**
   * As {@link Pool#stream}: results in input order, read and sent as the stream is consumed; the
   * stream ends the call when its terminal operation ends (a {@code limit(10)} cancels the chunks
   * in flight on the members and sends no more). The task must serialize.
   */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object> Stream<R> stream(
      Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    return streamOf(start(items, task, CallKind.STREAM, "ClusterPool.stream", "task"));
  }

  /** As {@link Pool#streamUnordered}; a lambda picks this overload. */
  public <T extends @Nullable Object, R extends @Nullable Object> Stream<R> streamUnordered(
      Iterable<? extends T> items, SerializableTask<? super T, ? extends R> task) {
    return streamUnordered(items, (Task<? super T, ? extends R>) task);
  }

  /** As {@link Pool#streamUnordered}, self-closing as {@link #stream}. The task must serialize. */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object> Stream<R> streamUnordered(
      Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    return streamOf(
        start(items, task, CallKind.STREAM_UNORDERED, "ClusterPool.streamUnordered", "task"));
  }

  /** As {@link Pool#mapAsync}; a lambda picks this overload. */
  public <T extends @Nullable Object, R extends @Nullable Object>
      CompletableFuture<List<R>> mapAsync(
          Iterable<? extends T> items, SerializableTask<? super T, ? extends R> task) {
    return mapAsync(items, (Task<? super T, ? extends R>) task);
  }

  /**
   * As {@link Pool#mapAsync}: the call is driven by a virtual thread of its own; {@link #close()}
   * waits until its future is complete; cancelling the future stops the call. The task must
   * serialize.
   */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object>
      CompletableFuture<List<R>> mapAsync(
          Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    Call<T, R> call = start(items, task, CallKind.MAP_ASYNC, "ClusterPool.mapAsync", "task");
    PoolContext context = call.context;
    Submission<List<R>> submission =
        new Submission<>(
            context,
            options.cancellationGrace(),
            () -> {
              try {
                return call.run.toList();
              } finally {
                call.end();
              }
            },
            Submission.Kind.CALL_DRIVER);
    submission.whenNeverRun(call::close);
    shared.life.add(submission, null, this);
    try {
      Thread.ofVirtual().name(shared.threadPrefix + "async").start(submission);
    } catch (RuntimeException | OutOfMemoryError e) {
      submission.completeExceptionally(e);
      shared.life.submissionEnded(submission, null);
      call.close();
    }
    return submission;
  }

  /**
   * A view of this pool whose calls run with {@code options}; it shares the pool's connection and
   * lifecycle (closing either closes both). Where each option runs on a cluster:
   *
   * <ul>
   *   <li>the {@linkplain MapOptions.Builder#deadline deadline}: at the caller, on its clock; when
   *       it passes, the chunks in flight are cancelled on the members (as {@link Pool}'s running
   *       items are interrupted). Each chunk also carries the time left before it, so that a member
   *       starts no item of a chunk once the caller's deadline has passed and interrupts the
   *       running one, even if the caller's notice does not reach it;
   *   <li>the per-item {@linkplain MapOptions.Builder#timeout timeout}: on the member, the only one
   *       that can interrupt the item's thread. Each attempt's run time counts (from the item's
   *       start, not the chunk's arrival: time queued on the member does not count); an attempt
   *       that runs longer is interrupted and fails with the same {@link
   *       java.util.concurrent.TimeoutException} as on a {@link Pool} ("item #i took longer than
   *       ... and was interrupted", its cause what the task threw on interruption);
   *   <li>{@linkplain MapOptions.Builder#retry retry}: decided at the caller, with the core's own
   *       decision (attempts, {@code retryOn}/{@code retryIf}, {@code delayFrom}, backoff with
   *       jitter, never a wait the failure asks for past the deadline): predicates and functions
   *       need not serialize. The members report each item's failure and go on with the chunk; the
   *       caller sends again, one at a time, only the items to retry, each after its delay.
   *       Attempts count per item as on a {@link Pool} ({@link TaskFailedException#attempts()},
   *       {@link TaskFailedException#attemptFailures()}, {@link Outcome#attempts()}, the
   *       statistics' retries); an item re-sent because its member was lost is not a new attempt;
   *   <li>the {@linkplain MapOptions.Builder#rateLimit rate limit}: at the caller, across all
   *       members (a {@code shared()} limit across the calls given it, as on a {@link Pool}): a
   *       chunk of n items waits for n slots before it is sent, an item retried for one more; no
   *       item starts before its slot, and the items of one chunk start one after the other on
   *       their member;
   *   <li>{@linkplain MapOptions.Builder#maxConcurrency max concurrency}: at the caller, across all
   *       members: at most that many chunks in flight, so at most that many items running (a member
   *       runs a chunk's items one after the other);
   *   <li>the failure budget, the listener (statistics, progress) and the cancellation grace: at
   *       the caller, by the engine, as for {@link Pool}.
   * </ul>
   *
   * <p>Refused with {@link IllegalArgumentException} ("not supported on a cluster: ...") rather
   * than ignored: {@linkplain MapOptions.Builder#adaptiveConcurrency adaptive concurrency} (its
   * limit reacts to each item's latency and overload signal as the items start and end; a cluster's
   * unit of concurrency is a chunk whose items run one after the other on a member, so the caller
   * could only limit chunks, not items, and an item's latency there includes the queue and the
   * round trip: a limit on the wrong quantity, measured with the wrong signal), and context
   * propagators (the context is the caller's thread's: a member's thread cannot be put into it).
   *
   * @throws IllegalArgumentException if the options hold one of those not supported
   */
  @Override
  public ClusterPool with(MapOptions options) {
    Objects.requireNonNull(options, "options must not be null");
    List<String> unsupported = new ArrayList<>();
    CallOptions read = SharedSecrets.callOptions(options);
    if (read.adaptiveConcurrency() != null) {
      unsupported.add("adaptive concurrency (its limit is on items, a cluster runs chunks)");
    }
    if (!read.propagators().isEmpty()) {
      unsupported.add("context propagators (the context is the caller's thread's)");
    }
    if (!unsupported.isEmpty()) {
      throw new IllegalArgumentException(
          "not supported on a cluster: "
              + String.join(", ", unsupported)
              + " (a ClusterPool supports the deadline, the per-item timeout, retry, the rate"
              + " limit, max concurrency, the failure budget, the listener and the cancellation"
              + " grace)");
    }
    return new ClusterPool(shared, options);
  }

  /**
   * As {@link ParallelPool#mapWith}: a lambda and a constructor reference pick this overload.
   * Resources live on the members, as {@link ClusterResource} describes.
   */
  public <S, T extends @Nullable Object, R extends @Nullable Object> List<R> mapWith(
      Iterable<? extends T> items,
      SerializableFactory<? extends S> factory,
      SerializableResourceTask<? super S, ? super T, ? extends R> task) {
    return map(items, ClusterResource.<S>of(factory).<T, R>task(task));
  }

  /**
   * As {@link ParallelPool#mapWith}, with the resources on the members: each member creates them
   * lazily for the call, at most one per chunk of the call it runs at once, lends each to one chunk
   * at a time, reuses them across the call's chunks there, and closes them when the call ends there
   * (see {@link ClusterResource}); resources that are {@link AutoCloseable} are closed with their
   * {@code close()} ({@link ClusterResource#of(SerializableFactory, SerializableAction)} for
   * another close). The factory and the task must serialize ({@link SerializableFactory}, {@link
   * SerializableResourceTask}, or classes that are {@link java.io.Serializable}), or the call
   * throws {@link IllegalArgumentException} before any item is read.
   */
  @Override
  @SuppressWarnings("unchecked") // checked to serialize, as the interfaces that say so
  public <S, T extends @Nullable Object, R extends @Nullable Object> List<R> mapWith(
      Iterable<? extends T> items,
      Callable<? extends S> factory,
      ResourceTask<? super S, ? super T, ? extends R> task) {
    Objects.requireNonNull(factory, "factory must not be null");
    Objects.requireNonNull(task, "task must not be null");
    Serialization.checkTask(factory, "ClusterPool.mapWith (its factory)");
    Serialization.checkTask(task, "ClusterPool.mapWith");
    SerializableResourceTask<S, T, R> sentTask =
        task instanceof SerializableResourceTask<?, ?, ?> t
            ? (SerializableResourceTask<S, T, R>) t
            : new SerializedResourceTask<>((ResourceTask<S, T, R>) task);
    return mapWith(items, serializable(factory), sentTask);
  }

  /** A factory checked to serialize, as a {@link SerializableFactory}. */
  @SuppressWarnings("unchecked") // the factory makes Ss
  private static <S> SerializableFactory<S> serializable(Callable<? extends S> factory) {
    return factory instanceof SerializableFactory<?> f
        ? (SerializableFactory<S>) f
        : new SerializedFactory<>((Callable<S>) factory);
  }

  /**
   * As {@link ParallelPool#forEachWith}: a lambda and a constructor reference pick this overload.
   * Resources live on the members, as {@link ClusterResource} describes.
   */
  public <S, T extends @Nullable Object> void forEachWith(
      Iterable<? extends T> items,
      SerializableFactory<? extends S> factory,
      SerializableResourceAction<? super S, ? super T> action) {
    forEach(items, ClusterResource.<S>of(factory).<T>action(action));
  }

  /**
   * As {@link ParallelPool#forEachWith}, with the resources on the members, as {@link #mapWith}
   * keeps them. The factory and the action must serialize, or the call throws {@link
   * IllegalArgumentException} before any item is read.
   */
  @Override
  @SuppressWarnings("unchecked") // checked to serialize, as the interfaces that say so
  public <S, T extends @Nullable Object> void forEachWith(
      Iterable<? extends T> items,
      Callable<? extends S> factory,
      ResourceAction<? super S, ? super T> action) {
    Objects.requireNonNull(factory, "factory must not be null");
    Objects.requireNonNull(action, "action must not be null");
    Serialization.checkTask(factory, "ClusterPool.forEachWith (its factory)");
    Serialization.checkTask(action, "ClusterPool.forEachWith");
    SerializableResourceAction<S, T> sentAction =
        action instanceof SerializableResourceAction<?, ?> a
            ? (SerializableResourceAction<S, T>) a
            : new SerializedResourceAction<>((ResourceAction<S, T>) action);
    forEachWith(items, serializable(factory), sentAction);
  }

  /** As {@link Pool#mapOutcomes}; a lambda picks this overload. */
  public <T extends @Nullable Object, R extends @Nullable Object> Outcomes<T, R> mapOutcomes(
      Iterable<? extends T> items, SerializableTask<? super T, ? extends R> task) {
    return mapOutcomes(items, (Task<? super T, ? extends R>) task);
  }

  /**
   * As {@link Pool#mapOutcomes}: one outcome per item, in input order; a task's failure on a member
   * is that item's {@link Outcome.Failure} with exactly the task's exception (after every attempt
   * the retry policy allowed, decided at the caller, as on a {@link Pool}). Failures of the cluster
   * itself (no member left, a poison item, a refused chunk) still fail the call. The task must
   * serialize.
   */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object> Outcomes<T, R> mapOutcomes(
      Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    Call<T, Outcome<T, R>> call =
        start(items, task, CallKind.MAP_OUTCOMES, "ClusterPool.mapOutcomes", "task");
    try {
      List<Outcome<T, R>> all = call.run.toList();
      @SuppressWarnings("unchecked") // the core's Outcomes of these outcomes
      Outcomes<T, R> outcomes =
          (Outcomes<T, R>) call.context.types().outcomes(all, call.run.complete());
      return outcomes;
    } finally {
      call.end();
    }
  }

  /** As {@link Pool#streamOutcomes}; a lambda picks this overload. */
  public <T extends @Nullable Object, R extends @Nullable Object>
      Stream<Outcome<T, R>> streamOutcomes(
          Iterable<? extends T> items, SerializableTask<? super T, ? extends R> task) {
    return streamOutcomes(items, (Task<? super T, ? extends R>) task);
  }

  /** As {@link Pool#streamOutcomes}, self-closing as {@link #stream}. The task must serialize. */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object>
      Stream<Outcome<T, R>> streamOutcomes(
          Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    return streamOf(
        start(items, task, CallKind.STREAM_OUTCOMES, "ClusterPool.streamOutcomes", "task"));
  }

  /** As {@link Pool#streamOutcomesUnordered}; a lambda picks this overload. */
  public <T extends @Nullable Object, R extends @Nullable Object>
      Stream<Outcome<T, R>> streamOutcomesUnordered(
          Iterable<? extends T> items, SerializableTask<? super T, ? extends R> task) {
    return streamOutcomesUnordered(items, (Task<? super T, ? extends R>) task);
  }

  /**
   * As {@link Pool#streamOutcomesUnordered}, self-closing as {@link #stream}. The task must
   * serialize.
   */
  @Override
  public <T extends @Nullable Object, R extends @Nullable Object>
      Stream<Outcome<T, R>> streamOutcomesUnordered(
          Iterable<? extends T> items, Task<? super T, ? extends R> task) {
    return streamOf(
        start(
            items,
            task,
            CallKind.STREAM_OUTCOMES_UNORDERED,
            "ClusterPool.streamOutcomesUnordered",
            "task"));
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
    shared.lock.lock();
    try {
      while (memberCount() < count) {
        if (nanos <= 0) {
          return false;
        }
        nanos = shared.changed.awaitNanos(nanos);
      }
      return true;
    } finally {
      shared.lock.unlock();
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
    boolean interrupted = shared.life.closeAndAwait();
    shared.timer.shutdown();
    shared.instance.shutdown();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** What the pool is, with the options of this view if it has any. */
  @Override
  public String toString() {
    return options.equals(MapOptions.defaults())
        ? shared.description
        : shared.description + ".with(" + options + ")";
  }

  // ---------------------------------------------------------------------------------------------
  // Internals, for ClusterCall

  ClusterConfig config() {
    return shared.config;
  }

  IExecutorService chunkExecutor() {
    return shared.chunkExecutor;
  }

  IExecutorService cancelExecutor() {
    return shared.cancelExecutor;
  }

  ChunkSigner signer() {
    return shared.signer;
  }

  WireSerialization wire() {
    return shared.wire;
  }

  UserTypes userTypes() {
    return shared.userTypes;
  }

  HazelcastInstance instance() {
    return shared.instance;
  }

  boolean isRunning() {
    return shared.instance.getLifecycleService().isRunning();
  }

  /**
   * The members that run chunks, as the last membership event left them: a snapshot kept by the
   * membership listener, so that a chunk reads one volatile field instead of scanning the cluster.
   */
  MemberSelection.Workers workers() {
    return shared.workers;
  }

  /** Tells {@code call} when the member list changes, until it ends ({@link #unwatch}). */
  void watch(ClusterCall call) {
    shared.calls.add(call);
  }

  void unwatch(ClusterCall call) {
    shared.calls.remove(call);
  }

  void checkRunning(String what) {
    if (isRunning()) {
      return;
    }
    if (shared.life.isClosed()) {
      throw new IllegalStateException(what + ": " + this + " is closed");
    }
    throw new ClusterFailedException(
        what + ": " + this + " has stopped (its client lost the cluster, or its member shut down)",
        null);
  }

  /**
   * Registers a new call: a core {@link Run} on a context whose launcher makes a virtual thread per
   * chunk, sized to the cluster's slots now, each running its chunk on a member through a {@link
   * ClusterCall}.
   */
  private <T extends @Nullable Object, R extends @Nullable Object> Call<T, R> start(
      Iterable<? extends T> items,
      Task<? super T, ?> task,
      CallKind kind,
      String what,
      String name) {
    Objects.requireNonNull(items, "items must not be null");
    Objects.requireNonNull(task, name + " must not be null");
    refuseLocalResources(task, what);
    Serialization.checkTask(task, what);
    shared.life.checkOpen(what, this); // fail before touching the input
    boolean outcomes =
        kind == CallKind.MAP_OUTCOMES
            || kind == CallKind.STREAM_OUTCOMES
            || kind == CallKind.STREAM_OUTCOMES_UNORDERED;
    @SuppressWarnings("unchecked") // the task is applied to the items, whatever their type
    SerializableTask<@Nullable Object, ?> erased =
        task instanceof SerializableTask<?, ?> serializable
            ? (SerializableTask<@Nullable Object, ?>) serializable
            : new SerializedTask<>((Task<@Nullable Object, ?>) task);
    boolean ordered =
        kind != CallKind.FOR_EACH
            && kind != CallKind.STREAM_UNORDERED
            && kind != CallKind.STREAM_OUTCOMES_UNORDERED;
    // A consumer that takes results one by one waits for the head of line: a chunk queued behind a
    // long one on a member could hold it up. A call that returns all results at once only waits for
    // the last one, and queueing keeps the members' threads busy.
    boolean queues = !ordered || kind.waitsForTheWholeCall();
    ClusterCall remote =
        new ClusterCall(this, erased, outcomes, ordered, queues, what, callOptions);
    PoolContext context = context();
    Run<T, R> run = ChunkRunner.newCall(context, items, remote, sizing(), kind, what, callOptions);
    shared.life.register(run, kind.waitsForTheWholeCall(), what, this);
    watch(remote); // until its end: it then tells the members, and stops watching
    return new Call<>(run, remote, context);
  }

  /** Refuses a {@link WorkerResource}'s task or action: its resources would stay in this JVM. */
  private static void refuseLocalResources(Object taskOrAction, String what) {
    if (taskOrAction.getClass().getEnclosingClass() == WorkerResource.class) {
      throw new IllegalArgumentException(
          what
              + ": a WorkerResource's task or action keeps its resources in this JVM; for resources"
              + " on the members use ClusterResource.of(factory).task(...) or .action(...),"
              + " ClusterPool.mapWith or ClusterPool.forEachWith");
    }
  }

  /**
   * The context of a call made now: virtual threads, one per chunk in flight; the cluster's slots
   * (the sum of its members' threads) as the parallelism, and twice that as the most chunks in
   * flight, so that every member has a chunk queued behind each one it runs and starts the next at
   * once.
   */
  private PoolContext context() {
    int slots = workers().slots();
    return new PoolContext(
        shared.description,
        new Launcher.Virtual(
            shared.threadPrefix + "chunk-",
            Math.max(1, slots),
            Math.max(1, ClusterCall.IN_FLIGHT_PER_SLOT * slots),
            null),
        shared.threadPrefix,
        PoolContext.DEFAULT_WINDOW,
        shared.timer,
        shared.life,
        Ticker.SYSTEM,
        SharedSecrets.coreTypes());
  }

  private ChunkSizing sizing() {
    var fixed = shared.config.fixedChunkSize();
    return fixed.isPresent()
        ? ChunkSizing.fixed(fixed.getAsInt())
        : ChunkSizing.adaptive(TARGET_CHUNK_TIME, MAX_CHUNK);
  }

  private static <R extends @Nullable Object> Stream<R> streamOf(Call<?, R> call) {
    return ClosingStreams.over(call.run.spliterator(), call::close);
  }

  /** A call: the engine's run, and its cluster launcher, told when the call ends. */
  private record Call<T extends @Nullable Object, R extends @Nullable Object>(
      Run<T, R> run, ClusterCall remote, PoolContext context) {
    /**
     * The call has ended: the members drop what they still hold of it (and close its resources,
     * which this waits for).
     */
    void end() {
      remote.end();
      remote.awaitResourcesClosed();
    }

    /** Ends the call early (a closed stream): cancels its chunks, waits, and tells the members. */
    void close() {
      try {
        run.close();
      } finally {
        end();
      }
    }
  }

  /** What a pool and its {@code with} views share. */
  private static final class Shared {
    final HazelcastInstance instance;
    final ClusterConfig config;
    final String description;
    final String threadPrefix;
    final IExecutorService chunkExecutor;
    final IExecutorService cancelExecutor;
    final ChunkSigner signer;
    final WireSerialization wire;
    final UserTypes userTypes;
    final PoolWork life = new PoolWork();
    final PoolTimer timer;
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    final Set<ClusterCall> calls = ConcurrentHashMap.newKeySet(); // calls in progress
    volatile MemberSelection.Workers workers = MemberSelection.Workers.NONE;

    Shared(HazelcastInstance instance, ClusterConfig config, String description) {
      this.instance = instance;
      this.config = config;
      this.description = description;
      this.threadPrefix = "parmap-cluster-" + POOL_NUMBERS.incrementAndGet() + "-";
      this.chunkExecutor = instance.getExecutorService(HazelcastSetup.CHUNK_EXECUTOR);
      this.cancelExecutor = instance.getExecutorService(HazelcastSetup.CANCEL_EXECUTOR);
      this.signer = ChunkSigner.of(config);
      this.wire = WireSerialization.of(config);
      this.userTypes = UserTypes.of(config);
      this.timer = new PoolTimer(threadPrefix);
    }

    /** Takes the member list again, and wakes whoever waits for members. */
    void membersChanged() {
      lock.lock();
      try {
        workers = MemberSelection.Workers.of(instance.getCluster().getMembers());
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      for (ClusterCall call : calls) {
        call.membersChanged();
      }
    }
  }

  /** A plain {@link Task} that serializes (checked at the call), as a {@link SerializableTask}. */
  static final class SerializedTask<T extends @Nullable Object, R extends @Nullable Object>
      implements SerializableTask<T, R> {
    private static final long serialVersionUID = 1L;
    private final Task<T, R> task;

    SerializedTask(Task<T, R> task) {
      this.task = task;
    }

    Task<T, R> task() {
      return task;
    }

    @Override
    public R apply(T item) throws Exception {
      return task.apply(item);
    }
  }

  /** A plain factory that serializes (checked at the call), as a {@link SerializableFactory}. */
  private static final class SerializedFactory<S> implements SerializableFactory<S> {
    private static final long serialVersionUID = 1L;
    private final Callable<S> factory;

    SerializedFactory(Callable<S> factory) {
      this.factory = factory;
    }

    @Override
    public S call() throws Exception {
      return factory.call();
    }
  }

  /** A plain resource task that serializes (checked at the call). */
  static final class SerializedResourceTask<
          S, T extends @Nullable Object, R extends @Nullable Object>
      implements SerializableResourceTask<S, T, R> {
    private static final long serialVersionUID = 1L;
    private final ResourceTask<S, T, R> task;

    SerializedResourceTask(ResourceTask<S, T, R> task) {
      this.task = task;
    }

    ResourceTask<S, T, R> task() {
      return task;
    }

    @Override
    public R apply(S resource, T item) throws Exception {
      return task.apply(resource, item);
    }
  }

  /** A plain resource action that serializes (checked at the call). */
  static final class SerializedResourceAction<S, T extends @Nullable Object>
      implements SerializableResourceAction<S, T> {
    private static final long serialVersionUID = 1L;
    private final ResourceAction<S, T> action;

    SerializedResourceAction(ResourceAction<S, T> action) {
      this.action = action;
    }

    ResourceAction<S, T> action() {
      return action;
    }

    @Override
    public void accept(S resource, T item) throws Exception {
      action.accept(resource, item);
    }
  }

  /** An action as a task of no result. */
  static final class ActionTask<T extends @Nullable Object>
      implements SerializableTask<T, @Nullable Object> {
    private static final long serialVersionUID = 1L;
    private final Action<? super T> action;

    ActionTask(Action<? super T> action) {
      this.action = action;
    }

    Action<? super T> action() {
      return action;
    }

    @Override
    public @Nullable Object apply(T item) throws Exception {
      action.accept(item);
      return null;
    }
  }
}
