package dev.parmap.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import dev.parmap.ParmapException;
import dev.parmap.engine.CallOptions;
import dev.parmap.engine.ChunkRunner;
import dev.parmap.engine.RemoteChunk;
import dev.parmap.engine.RemotePolicies;
import dev.parmap.engine.Ticker;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The cluster's remote launcher: runs one chunk of a call on a member, on the virtual thread the
 * engine gave the chunk, and blocks that thread until the answer. The engine (a core {@code Run})
 * does everything else: input, window, chunk sizing, failure bookkeeping, deadline, results.
 *
 * <p>What it keeps for the whole call (shared by the chunks' threads, under this object's lock):
 * the load of each member (chunks in flight there), each member's session of the call and whether
 * it holds the task under it, the members given up on, why and until when, the answers still
 * awaited from each member, and the round trips of recent chunks. A chunk goes to the usable member
 * with the lowest share of its capacity in use: in an unordered call or one that returns all
 * results at once, {@value #IN_FLIGHT_PER_SLOT} chunks per thread once the recent chunks are short
 * (one running, one queued to start at once), one per thread in an ordered stream (a queued chunk
 * could hold up the head of line that its consumer waits for), before that, or when chunks are slow
 * (see {@link ChunkTimes#chunksAreShort}); it waits while every member is full, or while the call's
 * chunks in flight hold {@value #MAX_BYTES_IN_FLIGHT} bytes or more (their items' bytes, and the
 * task's where a send carries it). The member list is the pool's snapshot, kept from membership
 * events.
 *
 * <p><b>Chunk timeout: run time, not queue time.</b> Once the {@linkplain
 * ClusterConfig#chunkTimeout() chunk timeout} has passed since a chunk was sent, and again each
 * time it would have passed since the last answer, the chunk's thread asks the member ({@link
 * ChunkProbe}) since when it runs the chunk: running for the chunk timeout or more, or no answer to
 * the probe, gives up on the member; not started yet (queued behind other callers' work) waits on,
 * up to the {@linkplain ClusterConfig#queueTimeout() queue timeout} on top.
 *
 * <p><b>Re-send policy.</b> A member that leaves, runs a chunk past the chunk timeout, does not
 * answer, drops the chunk, or sends an answer this caller refuses is given up on: told to drop the
 * chunks of its session of the call, and sent none for its {@linkplain ClusterConfig#coolDown()
 * cool-down} (doubled each time again), after which it may rejoin the call. Every chunk in flight
 * there is re-sent to another member by its own thread. A chunk is lost at most {@link
 * ClusterConfig#maxResends()} times; once more, the call fails naming its items (a poison item). A
 * chunk that could not be sent at all is not counted. When no member is left in the cluster the
 * call fails with {@link ClusterFailedException} naming each member given up on; so it does when
 * every member left or cools down (a call does not wait for a cool-down).
 *
 * <p><b>Hedged head of line.</b> In an ordered call without per-item timeout, retry or rate limit
 * (a copy would be an attempt they do not count), the chunk in flight with the lowest index (the
 * one the consumer waits for) that is still awaited {@link ChunkTimes#HEDGE_FACTOR} times the
 * recent median round trip after its send (at least {@link ChunkTimes#HEDGE_FLOOR_NANOS}) is sent
 * once more, to another member with room, with the same member policies (an outcomes call's members
 * go on after a failed item), the deadline left then, and the task if that member does not hold it
 * under its session: the first answer wins and is reported once; the member of the other copy is
 * told to drop it ({@link CancelCall#ofChunk}: interrupted if it runs, skipped if it is queued),
 * and its answer, when it comes, is dropped (its member's load counts it until then). Its items may
 * thus run twice, as a re-sent chunk's may.
 *
 * <p><b>Sessions.</b> A member's chunks of the call travel under a session id (the {@code call}
 * field of {@link ChunkTask}, {@link ChunkProbe} and {@link CancelCall}), new each time the member
 * rejoins the call: dropping the chunks held by a member given up on ends that session there, not
 * the call, so the member can run the call's chunks again after its cool-down. The member keeps the
 * task and the per-worker resources by session.
 *
 * <p><b>Item policies</b> ({@link RemotePolicies}: the core's decisions). The per-item timeout and
 * the time left before the deadline travel with each chunk (each send, hedged copies included) and
 * run on the member ({@link ChunkTask}); retry is decided here, item by item ({@link CallerRetry}),
 * the members going on after a failed item; the rate limit is kept here: a chunk of n items waits
 * for n slots before it is sent, an item sent again for one.
 *
 * <p><b>The task once per session.</b> The task (with its resource factory, if any) is serialized
 * once per call and sent with the chunks to a member until the member has answered one under its
 * session; later chunks of that session carry only their items. A member that rejoins has a new
 * session and is sent the task again; a member that answers that it does not hold the task
 * (restarted, or it dropped the call) gets the chunk again with it.
 *
 * <p><b>Ending.</b> A chunk whose thread is interrupted (the call stops: an item failed, a stream
 * was closed, the deadline passed) and the call's end ({@link #end}) tell the members, for every
 * session that was sent chunks, to drop them; the notice is sent without waiting for an answer,
 * unless the call has per-worker resources: then {@link #awaitResourcesClosed} waits, at most the
 * cancellation grace, until the members have closed them.
 */
final class ClusterCall implements ChunkRunner {

  /**
   * Chunks in flight per member thread once chunks are known to be short ({@link
   * ChunkTimes#chunksAreShort}): one running, one queued to start as soon as it ends.
   */
  static final int IN_FLIGHT_PER_SLOT = 2;

  /**
   * The serialized chunks of one call in flight, at most: their items, and the task where a send
   * carries it (one chunk may pass it alone).
   */
  static final long MAX_BYTES_IN_FLIGHT = 64L << 20;

  /** How long a member may take to answer a probe, at least, before it is taken to hang. */
  static final long MIN_PROBE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final byte[] NO_TASK = new byte[0]; // a send to a session that holds the task

  private final ClusterPool pool;
  private final Object task; // the serializable task as sent
  private final boolean outcomes;
  private final boolean hedges; // ordered, and no item policy that counts attempts
  // A member may hold a chunk queued behind each running one: in an unordered call, and in one that
  // returns all results at once (map). Not in an ordered stream: members do not run chunks in the
  // order sent, so a queued chunk that becomes the head of line would wait for a chunk that may run
  // for minutes, with no free member to hedge it on (a stream limited to ten waited 5 minutes for
  // its tenth item in a CI run).
  private final boolean queues;
  private final RemotePolicies policies;
  private final ChunkTask.MemberPolicies memberPolicies; // the deadline left is set per send
  private final long graceNanos;
  private final String what;
  private final TaskFingerprint fingerprint;
  private final CallFailures failures;
  private final long timeoutNanos;
  private final long queueTimeoutNanos;
  private final long probeNanos;
  private final long coolDownNanos;

  // Guarded by this.
  private final Map<UUID, Integer> loads = new HashMap<>();
  private final Map<UUID, GivenUpOn> givenUp = new LinkedHashMap<>();
  private final Map<UUID, UUID> sessions = new HashMap<>(); // member -> its session now
  private final Map<UUID, Member> holders = new LinkedHashMap<>(); // sent a chunk, ever, by session
  private final Set<UUID> holdingTask = new HashSet<>(); // sessions that answered a chunk
  private final Map<UUID, List<CompletableFuture<ChunkResult>>> awaited = new HashMap<>();
  // The items each awaited answer is for, and how often each chunk was lost with a member, counted
  // when the member is given up on (for all its chunks at once): a poison report names every chunk
  // lost as often as the one that reached the cap, since an innocent chunk that shared the poison
  // item's members cannot be told from it.
  private final Map<CompletableFuture<ChunkResult>, String> suspectsOf = new HashMap<>();
  private final Map<String, Integer> lossesBySuspects = new LinkedHashMap<>();
  private final TreeSet<Long> inFlight = new TreeSet<>(); // first indexes of chunks being run
  private final ChunkTimes times = new ChunkTimes();
  private final List<Future<Boolean>> notices = new ArrayList<>(); // end notices, with resources
  private byte @Nullable [] taskBytes;
  private long bytesInFlight;
  private boolean ended;

  ClusterCall(
      ClusterPool pool,
      Object task,
      boolean outcomes,
      boolean ordered,
      boolean queues,
      String what,
      CallOptions options) {
    this.pool = pool;
    this.task = task;
    this.outcomes = outcomes;
    this.policies = RemotePolicies.of(options, Ticker.SYSTEM);
    Duration timeout = options.timeout();
    // A hedged copy runs its items once more: an attempt that a retry, a per-item timeout or a rate
    // limit would not count (a copy of an item that timed out once may succeed, unlike on a Pool).
    this.queues = queues;
    this.hedges = ordered && timeout == null && options.rateLimit() == null && !policies.retries();
    this.memberPolicies =
        new ChunkTask.MemberPolicies(
            outcomes || policies.retries(), timeout == null ? -1 : saturatedNanos(timeout), -1);
    this.graceNanos = saturatedNanos(options.cancellationGrace());
    this.what = what;
    this.fingerprint = TaskFingerprint.of(task);
    this.failures = new CallFailures(what);
    ClusterConfig config = pool.config();
    this.timeoutNanos = config.chunkTimeout().toNanos();
    this.queueTimeoutNanos = config.queueTimeout().toNanos();
    this.coolDownNanos = config.coolDown().toNanos();
    this.probeNanos =
        Math.max(MIN_PROBE_NANOS, Math.min(timeoutNanos, config.heartbeatTimeout().toNanos()) / 2);
  }

  @Override
  public void run(RemoteChunk chunk) throws InterruptedException {
    Named name = new Named(chunk.firstIndex(), chunk.size());
    @Nullable Object[] items = new Object[chunk.size()];
    for (int i = 0; i < items.length; i++) {
      items[i] = chunk.item(i);
      if (items[i] != null
          && !(items[i] instanceof Serializable)
          && !pool.userTypes().isRegistered(items[i])) {
        throw new ItemNotSerializableException(
            chunk.firstIndex() + i,
            items[i],
            new NotSerializableException(
                items[i].getClass().getName() + " does not implement java.io.Serializable"));
      }
    }
    byte[] itemBytes = itemBytes(name, chunk.firstIndex(), items);
    synchronized (this) {
      inFlight.add(chunk.firstIndex());
    }
    try {
      chunk.countPolicies(0, policies.awaitStarts(items.length));
      ChunkAnswer answer = exchange(new Sending(chunk, name, chunk.firstIndex(), items, itemBytes));
      chunk.ran(Duration.ofNanos(answer.totalNanos));
      new CallerRetry(policies, outcomes).report(chunk, answer, i -> resend(chunk, i, items[i]));
    } finally {
      synchronized (this) {
        inFlight.remove(chunk.firstIndex());
      }
    }
  }

  /** Sends item {@code i} of the chunk again, alone (a retry), and waits for its answer. */
  private ChunkAnswer resend(RemoteChunk chunk, int i, @Nullable Object item)
      throws InterruptedException {
    long index = chunk.firstIndex() + i;
    Named name = new Named(index, 1);
    @Nullable Object[] one = {item};
    return exchange(new Sending(chunk, name, index, one, itemBytes(name, index, one)));
  }

  /**
   * The items as a chunk carries them: values of the user's registered types wrapped ({@link
   * UserTypes}), the whole Java-serialized.
   */
  private byte[] itemBytes(Named name, long first, @Nullable Object[] items) {
    try {
      @Nullable Object[] sent = items.clone();
      pool.userTypes().wrap(pool.instance(), sent); // values of the user's registered types
      return WireSerialization.write((Object) sent);
    } catch (IOException | RuntimeException e) {
      throw notSerializable(name, first, items, e);
    }
  }

  /**
   * Sends the items once there is room for their bytes, to a member, and waits for its answer;
   * re-sends them to another member when one is lost (at most {@code maxResends} times, then the
   * call fails naming them), and with the task to a member that does not hold it.
   */
  private ChunkAnswer exchange(Sending sending) throws InterruptedException {
    long bytes = sending.itemBytes.length;
    awaitRoomForBytes(bytes);
    try {
      return onMembers(sending);
    } finally {
      synchronized (this) {
        bytesInFlight -= bytes;
        notifyAll();
      }
    }
  }

  private ChunkAnswer onMembers(Sending sending) throws InterruptedException {
    ChunkLosses losses = new ChunkLosses(pool.config().maxResends());
    while (true) {
      Member member = awaitMember(Set.of(), true);
      if (member == null) {
        continue; // not reached: a waiting call returns a member or throws
      }
      Attempt attempt = send(sending, member);
      if (attempt == null) {
        continue; // the member could not be reached: given up on, not a loss of the chunk
      }
      Reply reply = awaitAnswer(sending, attempt);
      ChunkAnswer answered = reply.answer();
      if (answered != null) {
        return answered;
      }
      if (reply.expired()) {
        awaitStop(sending.chunk);
      }
      String lost = reply.lost();
      if (lost == null) {
        continue; // the member did not hold the task: sent again with it
      }
      if (!losses.lost(lost)) {
        synchronized (this) {
          long now = System.nanoTime();
          for (Member m : pool.workers().members()) {
            if (!isCoolingDown(m, now)) {
              throw failures.poison(
                  sending.name,
                  suspectsLostAsOften(sending.suspects, losses.reasons().size()),
                  losses.reasons(),
                  losses.maxResends());
            }
          }
        }
        throw noMemberLeft(
            CallFailures.lostEverywhere(sending.name, sending.suspects, losses.reasons().size()));
      }
    }
  }

  /**
   * A member's answer: the items' results, or why the chunk was lost with it, or neither (it does
   * not hold the task: {@link #NEEDS_TASK}), or that the caller's deadline passed there.
   */
  private record Reply(@Nullable ChunkAnswer answer, @Nullable String lost, boolean expired) {
    static final Reply NEEDS_TASK = new Reply(null, null, false);
    static final Reply EXPIRED = new Reply(null, null, true);

    static Reply of(ChunkAnswer answer) {
      return new Reply(answer, null, false);
    }

    static Reply lost(String why) {
      return new Reply(null, why, false);
    }
  }

  /** The task, serialized once per call. */
  private synchronized byte[] taskBytes() throws IOException {
    byte[] bytes = taskBytes;
    if (bytes == null) {
      bytes = WireSerialization.write(task);
      taskBytes = bytes;
    }
    return bytes;
  }

  private synchronized void holdsTask(UUID session, boolean holds) {
    if (holds) {
      holdingTask.add(session);
    } else {
      holdingTask.remove(session);
    }
  }

  /**
   * The member stopped the chunk because the caller's deadline passed: so has it here (the member
   * counts from a later start); waits for the call's stop, which interrupts this thread.
   */
  private static void awaitStop(RemoteChunk chunk) throws InterruptedException {
    while (true) {
      long left = chunk.deadlineNanosLeft();
      TimeUnit.NANOSECONDS.sleep(Math.max(left, 0) + TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Waits for an answer to the items from the members they were sent to ({@code first}, and a
   * hedged copy if one goes out) and returns the first that is one; or, once every copy is lost,
   * why the last was lost with its member (then given up on), or {@link Reply#NEEDS_TASK}.
   */
  private Reply awaitAnswer(Sending sending, Attempt first) throws InterruptedException {
    List<Attempt> attempts = new ArrayList<>(List.of(first));
    boolean hedged = false;
    boolean answered = false;
    @Nullable String lost = null;
    try {
      while (true) {
        long now = System.nanoTime();
        long wake = Long.MAX_VALUE;
        for (Attempt a : attempts) {
          wake = Math.min(wake, a.checkAt);
        }
        if (hedges && !hedged) {
          // Before the first round trips are measured, look again after the floor.
          long after = hedgeAfterNanos();
          wake =
              Math.min(
                  wake,
                  after == Long.MAX_VALUE
                      ? now + ChunkTimes.HEDGE_FLOOR_NANOS
                      : first.sentAt + after);
        }
        awaitAny(attempts, Math.max(0, wake - now));
        for (Attempt a : List.copyOf(attempts)) {
          if (!a.answer.isDone()) {
            continue;
          }
          Reply reply = settle(sending, a);
          if (reply.answer() != null || reply.expired()) {
            answered = reply.answer() != null;
            return reply;
          }
          if (lost == null) {
            lost = reply.lost();
          }
          attempts.remove(a);
          done(a);
          if (attempts.isEmpty()) {
            return lost == null ? reply : Reply.lost(lost);
          }
        }
        now = System.nanoTime();
        for (Attempt a : attempts) {
          if (now - a.checkAt >= 0 && !a.answer.isDone()) {
            probe(sending, a);
          }
        }
        if (hedges && !hedged && now - first.sentAt >= hedgeAfterNanos() && isHeadOfLine(sending)) {
          Attempt copy = hedge(sending, attempts);
          if (copy != null) {
            attempts.add(copy);
            hedged = true;
          }
        }
      }
    } catch (InterruptedException e) {
      end(); // the call stops: the members drop its chunks
      throw e;
    } finally {
      for (Attempt a : attempts) {
        if (a.answer.isDone()) {
          done(a);
        } else {
          // A copy that lost the race: its member still runs it; counted there until it answers,
          // which it does at once once told to drop it.
          a.answer.whenComplete((result, error) -> done(a));
          if (answered) {
            cancelChunk(a, sending.first);
          }
        }
      }
    }
  }

  private synchronized long hedgeAfterNanos() {
    return times.hedgeAfterNanos();
  }

  /** Waits up to {@code nanos} until one of the attempts' answers is there. */
  private static void awaitAny(List<Attempt> attempts, long nanos) throws InterruptedException {
    CompletableFuture<?> any =
        attempts.size() == 1
            ? attempts.get(0).answer
            : CompletableFuture.anyOf(
                attempts.stream().map(a -> a.answer).toArray(CompletableFuture<?>[]::new));
    try {
      any.get(nanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException | CancellationException e) {
      // looked at attempt by attempt by the caller
    }
  }

  /** Whether the chunk is the one with the lowest index still being run: the head of the line. */
  private synchronized boolean isHeadOfLine(Sending sending) {
    return !inFlight.isEmpty() && inFlight.first() == sending.chunk.firstIndex();
  }

  /** Sends a hedged copy of the chunk to a member it is not awaited on; null if none has room. */
  private @Nullable Attempt hedge(Sending sending, List<Attempt> attempts)
      throws InterruptedException {
    Set<UUID> busy = new HashSet<>();
    for (Attempt a : attempts) {
      busy.add(a.member.getUuid());
    }
    Member other = awaitMember(busy, false);
    return other == null ? null : send(sending, other);
  }

  /**
   * The chunk timeout passed for {@code attempt}'s member since the last look: asks the member
   * since when it runs the chunk, and gives up on it if that is for the chunk timeout or more, if
   * the chunk waited past the queue timeout, or if the member does not answer.
   */
  private void probe(Sending sending, Attempt attempt) throws InterruptedException {
    long running;
    try {
      Future<Long> answer =
          pool.cancelExecutor()
              .submitToMember(new ChunkProbe(attempt.session, sending.first), attempt.member);
      Long read = answer.get(probeNanos, TimeUnit.NANOSECONDS);
      running = read == null ? ChunkProbe.NOT_RUNNING : read;
    } catch (TimeoutException | ExecutionException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (isMemberLoss(cause)) {
        giveUp(attempt, "left the cluster (" + cause + ")", true);
      } else if (!attempt.answer.isDone()) {
        giveUp(
            attempt,
            "did not answer within "
                + Duration.ofNanos(probeNanos)
                + " whether it runs "
                + sending.name
                + ", not returned within the chunk timeout of "
                + pool.config().chunkTimeout()
                + " (it hangs, or is cut off)",
            false);
      }
      return;
    }
    long now = System.nanoTime();
    if (running >= timeoutNanos) {
      giveUp(
          attempt,
          "ran "
              + sending.name
              + " for longer than the chunk timeout of "
              + pool.config().chunkTimeout()
              + " (it hangs, or one chunk takes longer than that)",
          false);
    } else if (running >= 0) {
      attempt.checkAt = now + (timeoutNanos - running);
    } else if (now - attempt.sentAt >= ChunkTask.saturatedSum(queueTimeoutNanos, timeoutNanos)) {
      giveUp(
          attempt,
          "did not start "
              + sending.name
              + " within the queue timeout of "
              + pool.config().queueTimeout()
              + " (its threads are held by work that does not end)",
          false);
    } else {
      attempt.checkAt = now + timeoutNanos; // queued behind other work: its run time counts later
    }
  }

  /**
   * Looks at an answer that is there: the items' results, or why they were lost with the member
   * (then given up on), or that the member does not hold the task, or that the deadline passed.
   */
  private Reply settle(Sending sending, Attempt attempt) {
    Named name = sending.name;
    int size = sending.items.length;
    Member member = attempt.member;
    ChunkResult result;
    try {
      result = attempt.answer.getNow(null);
    } catch (CompletionException | CancellationException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof GivenUp given) {
        return Reply.lost(given.reason);
      }
      if (isMemberLoss(cause) || cause instanceof CancellationException) {
        return Reply.lost(giveUp(attempt, "left the cluster (" + cause + ")", true));
      }
      if (!pool.isRunning()) {
        throw new ClusterFailedException(what + ": " + pool + " was shut down", cause);
      }
      throw failures.remote(name, "member " + member.getAddress(), cause);
    }
    if (result == null) {
      return Reply.lost(giveUp(attempt, "sent an answer this caller refused: no answer", false));
    }
    String problem =
        ResultCheck.problem(result, attempt.session, sending.first, size, pool.signer());
    if (problem != null) {
      return Reply.lost(giveUp(attempt, "sent an answer this caller refused: " + problem, false));
    }
    switch (result.kind) {
      case CANCELLED -> {
        return Reply.lost(
            giveUp(
                attempt,
                result.message.isEmpty()
                    ? "dropped a chunk of this call without running it"
                    : result.message,
                false));
      }
      case REFUSED -> {
        return Reply.lost(refused(name, attempt, result));
      }
      case NEEDS_TASK -> {
        holdsTask(attempt.session, false);
        return Reply.NEEDS_TASK;
      }
      case EXPIRED -> {
        return Reply.EXPIRED;
      }
      case FAILED -> {
        holdsTask(attempt.session, true);
        Throwable cause = readFailure(name, member, result);
        answered(attempt);
        if (!memberPolicies.goesOn()) {
          return Reply.of(
              ChunkAnswer.stoppedAt(size, result.failedAt, cause, result.nanos, result.timeouts));
        }
        // The results could not be sent back (one did not serialize): every item fails.
        @Nullable Throwable[] causes = new Throwable[size];
        for (int i = 0; i < size; i++) {
          causes[i] =
              i == result.failedAt
                  ? cause
                  : new ParmapException(
                      what
                          + ": the results of "
                          + name
                          + " could not be sent back (that of item #"
                          + (sending.first + result.failedAt)
                          + " did not serialize)",
                      cause);
        }
        return Reply.of(ChunkAnswer.allFailed(causes, result.nanos, result.timeouts));
      }
      default -> {
        holdsTask(attempt.session, true);
        Object read = readPayload(name, member, result);
        String wrong = ResultCheck.problemWithResults(read, size);
        if (wrong != null || !(read instanceof Object[] results)) {
          return Reply.lost(giveUp(attempt, "sent an answer this caller refused: " + wrong, false));
        }
        try {
          UserTypes.unwrap(pool.instance(), results); // values of the user's registered types
        } catch (RuntimeException e) {
          throw failures.unreadable(
              name, "this caller (the answer of member " + member.getAddress() + ")", "" + e, e);
        }
        answered(attempt);
        return Reply.of(ChunkAnswer.of(results, result.nanos, result.timeouts));
      }
    }
  }

  private synchronized void answered(Attempt attempt) {
    times.answered(System.nanoTime() - attempt.sentAt);
  }

  /** A member would not run a chunk: gives up on it (another secret), or fails the call. */
  private String refused(Named name, Attempt attempt, ChunkResult result) {
    String where = "member " + attempt.member.getAddress();
    switch (result.refusal) {
      case BAD_SIGNATURE -> {
        return giveUp(attempt, CallFailures.badSignature(result.message), false);
      }
      case ALLOW_LIST -> throw failures.allowList(name, where, result.message, null);
      case CLASS_MISSING -> throw failures.classMissing(name, where, result.message, null);
      case STALE_TASK -> throw failures.stale(where, result.message);
      default -> throw failures.unreadable(name, where, result.message, null);
    }
  }

  private Throwable readFailure(Named name, Member member, ChunkResult result) {
    if (readPayload(name, member, result) instanceof Throwable failure) {
      return failure;
    }
    throw new ParmapException(
        what + ": " + member.getAddress() + " reported a failure of " + name + " without its cause",
        null);
  }

  /** The payload of a member's answer, read here under this caller's filter. */
  private @Nullable Object readPayload(Named name, Member member, ChunkResult result) {
    try {
      return pool.wire().read(result.payload, 1)[0];
    } catch (WireSerialization.Refused e) {
      throw failures.allowList(
          name,
          "this caller (the answer of member "
              + member.getAddress()
              + " was refused here, not on the member)",
          e.reason(),
          e);
    } catch (ClassNotFoundException e) {
      throw failures.classMissing(name, "this caller", String.valueOf(e), e);
    } catch (IOException | RuntimeException | LinkageError e) {
      throw failures.unreadable(
          name, "this caller (the answer of member " + member.getAddress() + ")", "" + e, e);
    }
  }

  /** Waits until the call's chunks in flight leave room for {@code bytes} more (or hold none). */
  private synchronized void awaitRoomForBytes(long bytes) throws InterruptedException {
    while (bytesInFlight > 0 && bytesInFlight + bytes > MAX_BYTES_IN_FLIGHT) {
      wait();
    }
    bytesInFlight += bytes;
  }

  /**
   * The usable member, not in {@code exclude}, with the lowest share of its capacity in use, once
   * one has room (or at once, with {@code mayWait} false: null if none has room); its load counts
   * the chunk from now on. A member given up on is usable again after its cool-down.
   *
   * @throws ClusterFailedException if no member is usable (all left or cool down): a call does not
   *     wait for a cool-down
   */
  private synchronized @Nullable Member awaitMember(Set<UUID> exclude, boolean mayWait)
      throws InterruptedException {
    while (true) {
      pool.checkRunning(what);
      Member best = null;
      double bestShare = Double.MAX_VALUE;
      boolean anyUsable = false;
      long now = System.nanoTime();
      long nextRejoin = Long.MAX_VALUE;
      boolean queueing = queues && times.chunksAreShort();
      for (Member member : pool.workers().members()) {
        if (exclude.contains(member.getUuid())) {
          continue;
        }
        GivenUpOn given = givenUp.get(member.getUuid());
        if (given != null && given.left) {
          continue; // left or unreachable: back only as a new member
        }
        if (given != null && now - given.until < 0) {
          nextRejoin = Math.min(nextRejoin, given.until - now);
          continue;
        }
        anyUsable = true;
        int capacity = (queueing ? IN_FLIGHT_PER_SLOT : 1) * MemberSelection.threadsOf(member);
        int load = loads.getOrDefault(member.getUuid(), 0);
        if (load < capacity && (double) load / capacity < bestShare) {
          best = member;
          bestShare = (double) load / capacity;
        }
      }
      if (best != null) {
        loads.merge(best.getUuid(), 1, Integer::sum);
        return best;
      }
      if (!mayWait) {
        return null;
      }
      if (!anyUsable) {
        throw noMemberLeft("");
      }
      // Woken by a completion or a change of members; a member's cool-down may also end.
      long waitNanos = Math.min(nextRejoin, TimeUnit.SECONDS.toNanos(1));
      TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, waitNanos));
    }
  }

  /** The member list changed: chunks waiting for a member look again. */
  synchronized void membersChanged() {
    notifyAll();
  }

  /** Whether {@code member} was given up on and its cool-down has not ended. */
  private boolean isCoolingDown(Member member, long now) {
    GivenUpOn given = givenUp.get(member.getUuid());
    return given != null && (given.left || now - given.until < 0);
  }

  /** The member's session of this call: new after each give-up, so a rejoin is not dropped. */
  private synchronized UUID sessionAt(Member member) {
    UUID session = sessions.get(member.getUuid());
    if (session == null) {
      session = UUID.randomUUID();
      sessions.put(member.getUuid(), session);
      holders.put(session, member);
    }
    return session;
  }

  /**
   * Sends the items to {@code member} under its session, with the policies and the deadline left
   * now, and with the task unless the member holds it under that session; null if the member could
   * not be reached (then given up on).
   */
  private @Nullable Attempt send(Sending sending, Member member) {
    UUID session = sessionAt(member);
    byte[] carried;
    ChunkTask message;
    try {
      carried = holdsTask(session) ? NO_TASK : taskBytes();
      message =
          new ChunkTask(
              session,
              sending.first,
              sending.items.length,
              fingerprint,
              pool.config(),
              new ChunkTask.MemberPolicies(
                  memberPolicies.goesOn(),
                  memberPolicies.itemTimeoutNanos(),
                  sending.chunk.deadlineNanosLeft()),
              carried,
              sending.itemBytes,
              pool.signer());
    } catch (IOException | RuntimeException e) {
      release(member);
      throw notSerializable(sending.name, sending.first, sending.items, e);
    }
    Future<ChunkResult> future;
    try {
      future = pool.chunkExecutor().submitToMember(message, member);
    } catch (HazelcastSerializationException e) {
      release(member);
      throw notSerializable(sending.name, sending.first, sending.items, e);
    } catch (RuntimeException e) {
      release(member);
      if (!pool.isRunning()) {
        throw new ClusterFailedException(what + ": " + pool + " was shut down", e);
      }
      if (isMemberLoss(e)) {
        giveUp(member, session, "could not be reached (" + e + ")", true);
        return null;
      }
      throw new ParmapException(what + ": sending " + sending.name + " failed: " + e, e);
    }
    if (!(future instanceof CompletionStage<?>)) {
      throw new IllegalStateException(
          "Hazelcast's executor future is not a CompletionStage: " + future.getClass());
    }
    @SuppressWarnings("unchecked") // the future of a Callable<ChunkResult>
    CompletionStage<ChunkResult> stage = (CompletionStage<ChunkResult>) future;
    CompletableFuture<ChunkResult> answer = new CompletableFuture<>();
    synchronized (this) {
      awaited.computeIfAbsent(member.getUuid(), k -> new ArrayList<>()).add(answer);
      suspectsOf.put(answer, sending.suspects);
      bytesInFlight += carried.length; // the task, counted while this copy is in flight
    }
    stage.whenComplete(
        (result, error) -> {
          if (error != null) {
            answer.completeExceptionally(error);
          } else {
            answer.complete(result);
          }
        });
    long now = System.nanoTime();
    return new Attempt(member, session, answer, now, now + timeoutNanos, carried.length);
  }

  private synchronized boolean holdsTask(UUID session) {
    return holdingTask.contains(session);
  }

  /** The attempt has its answer, or lost the race: its member's load no longer counts it. */
  private synchronized void done(Attempt attempt) {
    if (attempt.released) {
      return;
    }
    attempt.released = true;
    List<CompletableFuture<ChunkResult>> there = awaited.get(attempt.member.getUuid());
    if (there != null) {
      there.remove(attempt.answer);
    }
    suspectsOf.remove(attempt.answer);
    bytesInFlight -= attempt.taskBytes;
    release(attempt.member);
  }

  private synchronized void release(Member member) {
    loads.computeIfPresent(member.getUuid(), (k, n) -> n > 1 ? n - 1 : null);
    notifyAll();
  }

  /** As {@link #giveUp(Member, UUID, String, boolean)} for the attempt's member and session. */
  private String giveUp(Attempt attempt, String reason, boolean left) {
    return giveUp(attempt.member, attempt.session, reason, left);
  }

  /**
   * Sends no more chunks to {@code member} for its cool-down (doubled each time it is given up on
   * again), and tells it to drop the chunks of its {@code session} of the call; the chunks awaited
   * there are lost with it and re-sent by their threads. Returns why, as a loss of the calling
   * chunk. A member that {@code left} the cluster or cannot be reached does not rejoin the call (it
   * comes back, if at all, as a new member). An answer of a session that ended already (the member
   * was given up on since, and may have rejoined) gives up on nothing.
   */
  private String giveUp(Member member, UUID session, String reason, boolean left) {
    String why;
    synchronized (this) {
      long now = System.nanoTime();
      GivenUpOn known = givenUp.get(member.getUuid());
      if (known != null && (known.left || now - known.until < 0)) {
        return known.reason;
      }
      why = member.getAddress() + " " + reason;
      if (!session.equals(sessions.get(member.getUuid()))) {
        return known == null ? why : known.reason;
      }
      int times = known == null ? 1 : known.times + 1;
      // Doubled each time, at most 64 times; bounded so that now + coolDown compares right.
      long coolDown = Math.min(coolDownNanos, Long.MAX_VALUE >> 10) << Math.min(times - 1, 6);
      givenUp.put(member.getUuid(), new GivenUpOn(why, now + coolDown, times, left));
      sessions.remove(member.getUuid());
      holdingTask.remove(session);
      List<CompletableFuture<ChunkResult>> there = awaited.remove(member.getUuid());
      if (there != null) {
        for (CompletableFuture<ChunkResult> answer : there) {
          String suspects = suspectsOf.remove(answer);
          if (suspects != null) {
            lossesBySuspects.merge(suspects, 1, Integer::sum);
          }
          answer.completeExceptionally(new GivenUp(why));
        }
      }
      notifyAll();
    }
    // It may still run or hold chunks of this session: drop them (the call's end waits, if need
    // be, for their resources).
    var unused = cancel(session, member, 0);
    return why;
  }

  /**
   * Tells the member of {@code attempt} to drop its copy of the chunk at {@code first}: another
   * member answered it. Not waited for; a member that cannot be told runs the copy to its end.
   */
  private void cancelChunk(Attempt attempt, long first) {
    if (!pool.isRunning()) {
      return;
    }
    try {
      var unused =
          pool.cancelExecutor()
              .submitToMember(
                  CancelCall.ofChunk(attempt.session, first, pool.signer()), attempt.member);
    } catch (RuntimeException e) {
      // the member or the pool is gone: nothing left there to cancel
    }
  }

  /**
   * Tells {@code member} to drop the chunks of {@code session} (and close its resources there); the
   * notice answers once they ended, or after {@code awaitNanos}. Null if it could not be sent.
   */
  private @Nullable Future<Boolean> cancel(UUID session, Member member, long awaitNanos) {
    if (!pool.isRunning()) {
      return null;
    }
    try {
      return pool.cancelExecutor()
          .submitToMember(new CancelCall(session, awaitNanos, pool.signer()), member);
    } catch (RuntimeException e) {
      return null; // the member or the pool is gone: nothing left there to cancel
    }
  }

  /**
   * The items of the chunk that reached the cap, then those of the other chunks lost with members
   * at least {@code losses} times (at most four more): each may be the one that kills members.
   */
  private synchronized String suspectsLostAsOften(String own, int losses) {
    List<String> others = new ArrayList<>();
    lossesBySuspects.forEach(
        (suspects, count) -> {
          if (count >= losses && !suspects.equals(own) && others.size() < 4) {
            others.add(suspects);
          }
        });
    return others.isEmpty()
        ? own
        : own + " (or, lost with the same members: " + String.join(", ", others) + ")";
  }

  private synchronized ClusterFailedException noMemberLeft(String suspects) {
    StringBuilder message =
        new StringBuilder(what)
            .append(": no member of cluster '")
            .append(pool.config().clusterName())
            .append("' is left to run the remaining chunks");
    if (givenUp.isEmpty()) {
      message.append("; the cluster has no member that runs tasks");
    }
    for (GivenUpOn given : givenUp.values()) {
      message.append("; member ").append(given.reason);
    }
    message.append(suspects);
    return new ClusterFailedException(message.toString(), null);
  }

  /** The call-site error for a chunk that could not be serialized: names the item. */
  private ParmapException notSerializable(
      Named name, long first, @Nullable Object[] items, Exception e) {
    for (int i = 0; i < items.length; i++) {
      Exception error = Serialization.check(items[i]);
      if (error != null) {
        ItemNotSerializableException notSerializable =
            new ItemNotSerializableException(first + i, items[i], error);
        notSerializable.addSuppressed(e);
        return notSerializable;
      }
    }
    return new ParmapException(what + ": " + name + " could not be serialized: " + e, e);
  }

  /**
   * Ends the call, whether it returned or stopped: tells every member, for each of its sessions
   * that was sent a chunk (a member given up on and rejoined had two), to interrupt its chunks,
   * drop those still queued and close the session's resources; once. The notices of a call with
   * per-worker resources are kept for {@link #awaitResourcesClosed}.
   */
  void end() {
    Map<UUID, Member> sent;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      sent = new LinkedHashMap<>(holders);
    }
    pool.unwatch(this);
    boolean resources = task instanceof ClusterResource.Bound<?, ?, ?>;
    List<Future<Boolean>> told = new ArrayList<>();
    sent.forEach(
        (session, member) -> {
          Future<Boolean> notice = cancel(session, member, resources ? graceNanos : 0);
          if (notice != null) {
            told.add(notice);
          }
        });
    if (resources) {
      synchronized (this) {
        notices.addAll(told);
      }
    }
  }

  /**
   * For a call with per-worker resources, after {@link #end}: waits until the members have closed
   * the call's resources (the idle ones, and those of the chunks that were running), in every
   * session, at most the cancellation grace. A member that does not answer in time, or is gone, is
   * not waited for. An interrupt stops the wait and is kept.
   */
  void awaitResourcesClosed() {
    List<Future<Boolean>> pending;
    synchronized (this) {
      pending = new ArrayList<>(notices);
      notices.clear();
    }
    long until =
        System.nanoTime() + Math.min(graceNanos, Long.MAX_VALUE / 4) + TimeUnit.SECONDS.toNanos(1);
    for (Future<Boolean> notice : pending) {
      try {
        var unused = notice.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        // The member is gone or slow: it closes them when the chunks end or it drops the call.
      }
    }
  }

  /**
   * Whether {@code e} says the member (or the way to it) is gone, rather than that the chunk is
   * wrong: then the chunk is re-sent to another member.
   */
  static boolean isMemberLoss(Throwable e) {
    return e instanceof com.hazelcast.core.MemberLeftException
        || e instanceof com.hazelcast.core.OperationTimeoutException
        || e instanceof com.hazelcast.client.HazelcastClientOfflineException
        || e instanceof com.hazelcast.spi.exception.TargetDisconnectedException
        || e instanceof com.hazelcast.spi.exception.TargetNotMemberException
        || e instanceof com.hazelcast.core.HazelcastInstanceNotActiveException
        || e instanceof java.util.concurrent.RejectedExecutionException;
  }

  /** A chunk's answer awaited from a member given up on by another chunk's thread. */
  private static final class GivenUp extends Exception {
    private static final long serialVersionUID = 1L;
    final String reason;

    GivenUp(String reason) {
      super(reason, null, false, false);
      this.reason = reason;
    }
  }

  /** A chunk's name in messages. */
  private record Named(long first, int size) {
    @Override
    public String toString() {
      return size == 1
          ? "the chunk of item #" + first
          : "the chunk of items #" + first + " to #" + (first + size - 1);
    }
  }

  /** Why a member was given up on, until when it cools down, and how often it was given up on. */
  private record GivenUpOn(String reason, long until, int times, boolean left) {}

  /**
   * Items being sent: the engine's chunk they belong to, their first index, the items and their
   * serialized bytes; the whole chunk, or one item sent again to retry it.
   */
  private static final class Sending {
    final RemoteChunk chunk;
    final Named name;
    final long first;
    final @Nullable Object[] items;
    final byte[] itemBytes;
    final String suspects;

    Sending(RemoteChunk chunk, Named name, long first, @Nullable Object[] items, byte[] itemBytes) {
      this.chunk = chunk;
      this.name = name;
      this.first = first;
      this.items = items;
      this.itemBytes = itemBytes;
      this.suspects = PoisonReport.describe(first, items);
    }
  }

  /**
   * The items sent to one member, under its session: the answer, when they were sent, when to look
   * again whether the member runs them past the chunk timeout, and the task's bytes if the send
   * carried it. Used by the chunk's thread; {@code released} under the call's lock.
   */
  private static final class Attempt {
    final Member member;
    final UUID session;
    final CompletableFuture<ChunkResult> answer;
    final long sentAt;
    final long taskBytes;
    long checkAt;
    boolean released;

    Attempt(
        Member member,
        UUID session,
        CompletableFuture<ChunkResult> answer,
        long sentAt,
        long checkAt,
        long taskBytes) {
      this.member = member;
      this.session = session;
      this.answer = answer;
      this.sentAt = sentAt;
      this.checkAt = checkAt;
      this.taskBytes = taskBytes;
    }
  }
}
