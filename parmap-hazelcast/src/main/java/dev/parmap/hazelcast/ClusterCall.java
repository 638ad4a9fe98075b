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
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
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
 * the load of each member (chunks in flight there), the members given up on and why, and the
 * answers still awaited from each member. A chunk goes to the usable member with the lowest share
 * of its capacity in use ({@code threads + threads / 4}); it waits while every member is full.
 *
 * <p><b>Re-send policy.</b> A member that leaves, does not answer within the chunk timeout, drops
 * the chunk, or sends an answer this caller refuses is given up on for the call: every chunk in
 * flight there is re-sent to another member by its own thread. A chunk is lost at most {@link
 * ClusterConfig#maxResends()} times; once more, the call fails naming its items (a poison item). A
 * chunk that could not be sent at all is not counted. When no member is left the call fails with
 * {@link ClusterFailedException} naming each member given up on.
 *
 * <p><b>Item policies</b> ({@link RemotePolicies}: the core's decisions). The per-item timeout and
 * the time left before the deadline travel with each chunk and run on the member ({@link
 * ChunkTask}); retry is decided here, item by item ({@link CallerRetry}), the members going on
 * after a failed item; the rate limit is kept here: a chunk of n items waits for n slots before it
 * is sent, an item sent again for one.
 *
 * <p><b>The task once per member.</b> The task (with its resource factory, if any) is serialized
 * once per call and sent with the chunks to a member until the member has answered one; later
 * chunks carry only their items. A member that answers that it does not hold the task (restarted,
 * or it dropped the call) gets the chunk again with it.
 *
 * <p><b>Ending.</b> A chunk whose thread is interrupted (the call stops: an item failed, a stream
 * was closed, the deadline passed) and the call's end ({@link #end}) tell the members that may hold
 * chunks of the call to drop them; the notice is sent without waiting for an answer, unless the
 * call has per-worker resources: then {@link #end} waits, at most the cancellation grace, until the
 * members have closed them.
 */
final class ClusterCall implements ChunkRunner {
  private final ClusterPool pool;
  private final Object task; // the serializable task as sent
  private final boolean outcomes;
  private final RemotePolicies policies;
  private final ChunkTask.MemberPolicies memberPolicies; // the deadline left is set per send
  private final long graceNanos;
  private final String what;
  private final UUID id = UUID.randomUUID();
  private final TaskFingerprint fingerprint;
  private final CallFailures failures;
  private final long timeoutNanos;

  // Guarded by this.
  private final Map<UUID, Integer> loads = new HashMap<>();
  private final Map<UUID, String> givenUp = new LinkedHashMap<>();
  private final Map<UUID, Member> holders = new LinkedHashMap<>(); // sent a chunk, ever
  private final Map<UUID, List<CompletableFuture<ChunkResult>>> awaited = new HashMap<>();
  // The items each awaited answer is for, and how often each chunk was lost with a member, counted
  // when the member is given up on (for all its chunks at once): a poison report names every chunk
  // lost as often as the one that reached the cap, since an innocent chunk that shared the poison
  // item's members cannot be told from it.
  private final Map<CompletableFuture<ChunkResult>, String> suspectsOf = new HashMap<>();
  private final Map<String, Integer> lossesBySuspects = new LinkedHashMap<>();
  private final Set<UUID> holdingTask = new HashSet<>(); // members that answered a chunk
  private final List<Future<Boolean>> notices = new ArrayList<>(); // end notices, with resources
  private byte @Nullable [] taskBytes;
  private boolean ended;

  ClusterCall(ClusterPool pool, Object task, boolean outcomes, String what, CallOptions options) {
    this.pool = pool;
    this.task = task;
    this.outcomes = outcomes;
    this.policies = RemotePolicies.of(options, Ticker.SYSTEM);
    Duration timeout = options.timeout();
    this.memberPolicies =
        new ChunkTask.MemberPolicies(
            outcomes || policies.retries(), timeout == null ? -1 : saturatedNanos(timeout), -1);
    this.graceNanos = saturatedNanos(options.cancellationGrace());
    this.what = what;
    this.fingerprint = TaskFingerprint.of(task);
    this.failures = new CallFailures(what);
    this.timeoutNanos = pool.config().chunkTimeout().toNanos();
  }

  @Override
  public void run(RemoteChunk chunk) throws InterruptedException {
    Named name = new Named(chunk.firstIndex(), chunk.size());
    @Nullable Object[] items = new Object[chunk.size()];
    for (int i = 0; i < items.length; i++) {
      items[i] = chunk.item(i);
      if (items[i] != null && !(items[i] instanceof Serializable)) {
        throw new ItemNotSerializableException(
            chunk.firstIndex() + i,
            items[i],
            new NotSerializableException(
                items[i].getClass().getName() + " does not implement java.io.Serializable"));
      }
    }
    byte[] itemBytes;
    try {
      itemBytes = WireSerialization.write((Object) items);
    } catch (IOException | RuntimeException e) {
      throw notSerializable(name, chunk.firstIndex(), items, e);
    }
    chunk.countPolicies(0, policies.awaitStarts(items.length));
    ChunkAnswer answer = exchange(chunk, name, chunk.firstIndex(), items, itemBytes);
    chunk.ran(Duration.ofNanos(answer.totalNanos));
    new CallerRetry(policies, outcomes).report(chunk, answer, i -> resend(chunk, i, items[i]));
  }

  /** Sends item {@code i} of the chunk again, alone (a retry), and waits for its answer. */
  private ChunkAnswer resend(RemoteChunk chunk, int i, @Nullable Object item)
      throws InterruptedException {
    long index = chunk.firstIndex() + i;
    Named name = new Named(index, 1);
    @Nullable Object[] one = {item};
    try {
      return exchange(chunk, name, index, one, WireSerialization.write((Object) one));
    } catch (IOException | RuntimeException e) {
      throw notSerializable(name, index, one, e);
    }
  }

  /**
   * Sends {@code items} (from index {@code first}) to a member and waits for its answer; re-sends
   * them to another member when one is lost (at most {@code maxResends} times, then the call fails
   * naming them), and with the task to a member that does not hold it.
   */
  private ChunkAnswer exchange(
      RemoteChunk chunk, Named name, long first, @Nullable Object[] items, byte[] itemBytes)
      throws InterruptedException {
    ChunkLosses losses = new ChunkLosses(pool.config().maxResends());
    String suspects = PoisonReport.describe(first, items);
    while (true) {
      Member member = awaitMember();
      ChunkTask message;
      try {
        message =
            new ChunkTask(
                id,
                first,
                items.length,
                fingerprint,
                pool.config(),
                new ChunkTask.MemberPolicies(
                    memberPolicies.goesOn(),
                    memberPolicies.itemTimeoutNanos(),
                    chunk.deadlineNanosLeft()),
                holdsTask(member) ? new byte[0] : taskBytes(),
                itemBytes,
                pool.signer());
      } catch (IOException | RuntimeException e) {
        release(member);
        throw notSerializable(name, first, items, e);
      }
      CompletableFuture<ChunkResult> answer = send(message, member, name, items, suspects);
      if (answer == null) {
        continue; // the member could not be reached: given up on, not a loss of the chunk
      }
      Reply reply = awaitAnswer(chunk, name, first, items.length, member, answer);
      ChunkAnswer answered = reply.answer();
      if (answered != null) {
        return answered;
      }
      String lost = reply.lost();
      if (lost == null) {
        continue; // the member did not hold the task: sent again with it
      }
      if (!losses.lost(lost)) {
        synchronized (this) {
          for (Member m : pool.workers()) {
            if (!givenUp.containsKey(m.getUuid())) {
              throw failures.poison(
                  name,
                  suspectsLostAsOften(suspects, losses.reasons().size()),
                  losses.reasons(),
                  losses.maxResends());
            }
          }
        }
        throw noMemberLeft(CallFailures.lostEverywhere(name, suspects, losses.reasons().size()));
      }
    }
  }

  /** A member's answer: the items' results, or why the chunk was lost with it, or neither. */
  private record Reply(@Nullable ChunkAnswer answer, @Nullable String lost) {
    static final Reply NEEDS_TASK = new Reply(null, null);

    static Reply lost(String why) {
      return new Reply(null, why);
    }
  }

  private synchronized boolean holdsTask(Member member) {
    return holdingTask.contains(member.getUuid());
  }

  private synchronized void holdsTask(Member member, boolean holds) {
    if (holds) {
      holdingTask.add(member.getUuid());
    } else {
      holdingTask.remove(member.getUuid());
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
   * Waits for the answer of {@code member} for the {@code size} items from {@code first}: their
   * results, or why they were lost with the member (then given up on), or {@link Reply#NEEDS_TASK}.
   */
  private Reply awaitAnswer(
      RemoteChunk chunk,
      Named name,
      long first,
      int size,
      Member member,
      CompletableFuture<ChunkResult> answer)
      throws InterruptedException {
    ChunkResult result;
    try {
      result = answer.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      end(); // the call stops: the members drop its chunks
      throw e;
    } catch (TimeoutException e) {
      return Reply.lost(
          giveUp(
              member,
              "did not return a chunk within the chunk timeout of "
                  + pool.config().chunkTimeout()
                  + " (it hangs, or one chunk takes longer than that)"));
    } catch (ExecutionException | CancellationException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof GivenUp given) {
        return Reply.lost(given.reason);
      }
      if (isMemberLoss(cause) || cause instanceof CancellationException) {
        return Reply.lost(giveUp(member, "left the cluster (" + cause + ")"));
      }
      if (!pool.isRunning()) {
        throw new ClusterFailedException(what + ": " + pool + " was shut down", cause);
      }
      throw failures.remote(name, "member " + member.getAddress(), cause);
    } finally {
      done(member, answer);
    }
    String problem = ResultCheck.problem(result, id, first, size, pool.signer());
    if (problem != null) {
      return Reply.lost(giveUp(member, "sent an answer this caller refused: " + problem));
    }
    switch (result.kind) {
      case CANCELLED -> {
        return Reply.lost(giveUp(member, "dropped a chunk of this call without running it"));
      }
      case REFUSED -> {
        return Reply.lost(refused(name, member, result));
      }
      case NEEDS_TASK -> {
        holdsTask(member, false);
        return Reply.NEEDS_TASK;
      }
      case EXPIRED -> {
        awaitStop(chunk);
        throw new AssertionError("unreachable");
      }
      case FAILED -> {
        holdsTask(member, true);
        Throwable cause = readFailure(name, member, result);
        if (!memberPolicies.goesOn()) {
          return new Reply(
              ChunkAnswer.stoppedAt(size, result.failedAt, cause, result.nanos, result.timeouts),
              null);
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
                          + (first + result.failedAt)
                          + " did not serialize)",
                      cause);
        }
        return new Reply(ChunkAnswer.allFailed(causes, result.nanos, result.timeouts), null);
      }
      default -> {
        holdsTask(member, true);
        Object read = readPayload(name, member, result);
        String wrong = ResultCheck.problemWithResults(read, size);
        if (wrong != null || !(read instanceof Object[] results)) {
          return Reply.lost(giveUp(member, "sent an answer this caller refused: " + wrong));
        }
        return new Reply(ChunkAnswer.of(results, result.nanos, result.timeouts), null);
      }
    }
  }

  /** A member would not run a chunk: gives up on it (another secret), or fails the call. */
  private String refused(Named name, Member member, ChunkResult result) {
    String where = "member " + member.getAddress();
    switch (result.refusal) {
      case BAD_SIGNATURE -> {
        return giveUp(member, CallFailures.badSignature(result.message));
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

  /**
   * The usable member with the lowest share of its capacity in use, once one has room; its load
   * counts the chunk from now on.
   *
   * @throws ClusterFailedException if no member is usable
   */
  private synchronized Member awaitMember() throws InterruptedException {
    while (true) {
      pool.checkRunning(what);
      Member best = null;
      double bestShare = Double.MAX_VALUE;
      boolean anyUsable = false;
      for (Member member : pool.workers()) {
        if (givenUp.containsKey(member.getUuid())) {
          continue;
        }
        anyUsable = true;
        int threads = MemberSelection.threadsOf(member);
        int capacity = threads + Math.max(1, threads / 4);
        int load = loads.getOrDefault(member.getUuid(), 0);
        if (load < capacity && (double) load / capacity < bestShare) {
          best = member;
          bestShare = (double) load / capacity;
        }
      }
      if (!anyUsable) {
        throw noMemberLeft("");
      }
      if (best != null) {
        loads.merge(best.getUuid(), 1, Integer::sum);
        holders.putIfAbsent(best.getUuid(), best);
        return best;
      }
      wait(TimeUnit.SECONDS.toMillis(1)); // woken by a completion; a member may also join
    }
  }

  /** Sends the chunk; null if the member could not be reached (then given up on). */
  private @Nullable CompletableFuture<ChunkResult> send(
      ChunkTask message, Member member, Named name, @Nullable Object[] items, String suspects) {
    Future<ChunkResult> future;
    try {
      future = pool.chunkExecutor().submitToMember(message, member);
    } catch (HazelcastSerializationException e) {
      release(member);
      throw notSerializable(name, message.first(), items, e);
    } catch (RuntimeException e) {
      release(member);
      if (!pool.isRunning()) {
        throw new ClusterFailedException(what + ": " + pool + " was shut down", e);
      }
      if (isMemberLoss(e)) {
        giveUp(member, "could not be reached (" + e + ")");
        return null;
      }
      throw new ParmapException(what + ": sending " + name + " failed: " + e, e);
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
      suspectsOf.put(answer, suspects);
    }
    stage.whenComplete(
        (result, error) -> {
          if (error != null) {
            answer.completeExceptionally(error);
          } else {
            answer.complete(result);
          }
        });
    return answer;
  }

  private synchronized void done(Member member, CompletableFuture<ChunkResult> answer) {
    List<CompletableFuture<ChunkResult>> there = awaited.get(member.getUuid());
    if (there != null) {
      there.remove(answer);
    }
    suspectsOf.remove(answer);
    release(member);
  }

  private synchronized void release(Member member) {
    loads.computeIfPresent(member.getUuid(), (k, n) -> n > 1 ? n - 1 : null);
    notifyAll();
  }

  /**
   * Sends no more chunks to {@code member} in this call; the chunks awaited there are lost with it
   * and re-sent by their threads. Returns why, as a loss of the calling chunk.
   */
  private synchronized String giveUp(Member member, String reason) {
    String known = givenUp.get(member.getUuid());
    if (known != null) {
      return known;
    }
    String why = member.getAddress() + " " + reason;
    givenUp.put(member.getUuid(), why);
    holders.putIfAbsent(member.getUuid(), member);
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
    return why;
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
    for (String reason : givenUp.values()) {
      message.append("; member ").append(reason);
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
   * Ends the call, whether it returned or stopped: tells every member that was sent a chunk of it,
   * or was given up on, to interrupt its chunks and drop those still queued; once.
   */
  void end() {
    List<Member> members;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      members = new ArrayList<>(holders.values());
    }
    if (!pool.isRunning()) {
      return;
    }
    boolean resources = task instanceof ClusterResource.Bound<?, ?, ?>;
    List<Future<Boolean>> sent = new ArrayList<>();
    for (Member member : members) {
      try {
        sent.add(
            pool.cancelExecutor()
                .submitToMember(
                    new CancelCall(id, resources ? graceNanos : 0, pool.signer()), member));
      } catch (RuntimeException e) {
        // The member or the pool is gone: nothing left there to cancel.
      }
    }
    if (resources) {
      synchronized (this) {
        notices.addAll(sent);
      }
    }
  }

  /**
   * For a call with per-worker resources, after {@link #end}: waits until the members have closed
   * the call's resources (the idle ones, and those of the chunks that were running), at most the
   * cancellation grace. A member that does not answer in time, or is gone, is not waited for. An
   * interrupt stops the wait and is kept.
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
}
