package dev.parmap.hazelcast;

import com.hazelcast.client.HazelcastClientOfflineException;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.parmap.CallInterruptedException;
import dev.parmap.InputFailedException;
import dev.parmap.ParmapException;
import dev.parmap.TaskFailedException;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One call on a {@link ClusterPool}: reads the items in chunks, sends each chunk to the least
 * loaded member, re-sends the chunks of members that leave or time out, and hands the results over
 * in input order (or completion order).
 *
 * <p>Everything here runs on the thread that drives the call (the caller of {@code map}, the
 * consumer of a stream), one thread at a time: Hazelcast's completion callbacks only put
 * completions on a queue. So the call starts no thread, and there is no lock beyond that queue.
 *
 * <p>Exactly once in the output: a chunk may be running on several members (the first attempt timed
 * out, a second one was sent), but only the first result that arrives for it is kept; later ones
 * are dropped.
 */
final class ClusterRun<R extends @Nullable Object> {

  enum Mode {
    LIST,
    ORDERED,
    UNORDERED,
    FOR_EACH
  }

  /** Items read from the input and not yet handed over, at most (as core's window). */
  static final int WINDOW = 16_384;

  /** The work one adaptive chunk aims at: long enough to hide the round trip, short for balance. */
  static final long TARGET_CHUNK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** The largest adaptive chunk, so that one message stays small. */
  static final int MAX_CHUNK = 1024;

  private static final int MAX_SUPPRESSED = 16;

  private final ClusterPool pool;
  private final Iterable<?> items;
  private final SerializableTask<?, ?> task;
  private final Mode mode;
  private final String what;
  private final UUID id = UUID.randomUUID();
  private final long knownSize;
  private final long timeoutNanos;
  private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();

  // Driver state: used by one thread at a time.
  private @Nullable Iterator<?> input;
  private long read;
  private long handedOver;
  private boolean inputDone;
  private int pendingChunks; // read and not yet fully handed over
  private final List<Chunk> inOrder = new ArrayList<>(); // ordered modes: pending, input order
  private int inOrderHead;
  private final List<Chunk> ready = new ArrayList<>(); // UNORDERED: done, not handed over
  private int readyHead;
  private final ResendQueue<Chunk> toSend;
  private final Set<Attempt> live = new LinkedHashSet<>();
  private final Map<UUID, Integer> loads = new HashMap<>();
  private final Map<UUID, String> givenUp = new LinkedHashMap<>();
  private final Map<UUID, Member> givenUpMembers = new LinkedHashMap<>();
  private final TaskFingerprint fingerprint;
  private final CallFailures failures;
  private @Nullable Chunk current;
  private int cursor;
  private long doneItems;
  private long doneNanos;
  private boolean stopped;
  private @Nullable RuntimeException failure;

  ClusterRun(
      ClusterPool pool, Iterable<?> items, SerializableTask<?, ?> task, Mode mode, String what) {
    this.pool = pool;
    this.items = items;
    this.task = task;
    this.mode = mode;
    this.what = what;
    this.knownSize = items instanceof Collection<?> c ? c.size() : -1;
    this.timeoutNanos = pool.config().chunkTimeout().toNanos();
    this.toSend = new ResendQueue<>(pool.config().maxResends());
    this.fingerprint = TaskFingerprint.of(task);
    this.failures = new CallFailures(what);
  }

  // ---------------------------------------------------------------------------------------------
  // Handing results over

  /** Runs the whole call and returns the results in input order. */
  List<R> toList() {
    List<R> results = new ArrayList<>(knownSize >= 0 ? (int) Math.min(knownSize, 1 << 20) : 16);
    while (advance()) {
      results.add(take());
    }
    return Collections.unmodifiableList(results);
  }

  /** Runs the whole call, dropping the results. */
  void runAll() {
    while (advance()) {
      take();
    }
  }

  Spliterator<R> spliterator() {
    int characteristics = mode == Mode.UNORDERED ? 0 : Spliterator.ORDERED;
    long estimate = knownSize >= 0 ? knownSize : Long.MAX_VALUE;
    return new Spliterators.AbstractSpliterator<R>(estimate, characteristics) {
      @Override
      public boolean tryAdvance(Consumer<? super R> action) {
        if (!advance()) {
          return false;
        }
        R result = take();
        try {
          action.accept(result);
        } catch (RuntimeException | Error e) {
          stop(); // the consumer failed: cancel the chunks in flight before the error leaves
          throw e;
        }
        return true;
      }
    };
  }

  /** Ends the call early: cancels the chunks in flight; no chunk is sent afterwards. */
  void close() {
    stop();
    if (failure == null) {
      failure = new IllegalStateException(what + ": the stream was closed");
    }
  }

  // R may be a nullable type (a task may return null): the null stored for it is R's own.
  @SuppressWarnings("NullAway")
  private R take() {
    Chunk chunk = current;
    if (chunk == null || chunk.results == null) {
      throw new IllegalStateException("take() without advance()");
    }
    @SuppressWarnings("unchecked") // a result of the task
    R result = (R) chunk.results[cursor];
    chunk.results[cursor] = null;
    cursor++;
    return result;
  }

  /** Makes the next result available to {@link #take()}; false at the end of the results. */
  private boolean advance() {
    RuntimeException failed = failure;
    if (failed != null) {
      throw failed;
    }
    try {
      return advanceOrThrow();
    } catch (RuntimeException | Error e) {
      stop();
      if (failure == null && e instanceof RuntimeException re) {
        failure = re;
      }
      throw e;
    }
  }

  private boolean advanceOrThrow() {
    while (true) {
      Chunk chunk = current;
      if (chunk != null) {
        if (cursor < chunk.size) {
          return true;
        }
        handedOver += chunk.size;
        pendingChunks--;
        current = null;
        chunk.results = null;
      }
      Chunk next = nextDone();
      if (next != null) {
        current = next;
        cursor = 0;
        continue;
      }
      if (pendingChunks == 0 && inputDone) {
        stop(); // tells the members that may still hold a chunk of it that the call ended
        return false;
      }
      pool.checkRunning(what);
      dispatch();
      if (peekDone() == null && !(pendingChunks == 0 && inputDone)) {
        awaitCompletions();
      }
    }
  }

  private @Nullable Chunk peekDone() {
    if (mode == Mode.UNORDERED) {
      return readyHead < ready.size() ? ready.get(readyHead) : null;
    }
    if (inOrderHead < inOrder.size()) {
      Chunk head = inOrder.get(inOrderHead);
      return head.done ? head : null;
    }
    return null;
  }

  private @Nullable Chunk nextDone() {
    Chunk next = peekDone();
    if (next == null) {
      return null;
    }
    if (mode == Mode.UNORDERED) {
      readyHead++;
      if (readyHead > 1024 && readyHead * 2 > ready.size()) {
        ready.subList(0, readyHead).clear();
        readyHead = 0;
      }
    } else {
      inOrderHead++;
      if (inOrderHead > 1024 && inOrderHead * 2 > inOrder.size()) {
        inOrder.subList(0, inOrderHead).clear();
        inOrderHead = 0;
      }
    }
    return next;
  }

  // ---------------------------------------------------------------------------------------------
  // Sending chunks

  /** Sends chunks while some member has room and there is work within the window. */
  private void dispatch() {
    while (true) {
      Chunk chunk = toSend.poll();
      if (chunk != null && chunk.done) {
        continue; // a late answer from a member given up on completed it while it waited
      }
      if (chunk == null) {
        if (inputDone || read - handedOver >= WINDOW) {
          return;
        }
        chunk = readChunk();
        if (chunk == null) {
          return;
        }
      }
      Member member = pickMember();
      if (member == null) {
        toSend.add(chunk.first, chunk);
        return; // every usable member is full: wait for a completion
      }
      send(chunk, member);
    }
  }

  private @Nullable Chunk readChunk() {
    Iterator<?> it = input;
    if (it == null) {
      try {
        it = items.iterator();
      } catch (RuntimeException e) {
        throw fail(new InputFailedException(0, e));
      }
      input = it;
    }
    long room = WINDOW - (read - handedOver);
    int size = (int) Math.max(1, Math.min(chunkSize(), room));
    List<@Nullable Object> buffer = new ArrayList<>(Math.min(size, 64));
    while (buffer.size() < size) {
      long index = read + buffer.size();
      @Nullable Object item;
      try {
        if (!it.hasNext()) {
          inputDone = true;
          break;
        }
        item = it.next();
      } catch (RuntimeException | StackOverflowError e) {
        throw fail(new InputFailedException(index, e));
      }
      if (item != null && !(item instanceof Serializable)) {
        throw fail(
            new ItemNotSerializableException(
                index,
                item,
                new NotSerializableException(
                    item.getClass().getName() + " does not implement java.io.Serializable")));
      }
      buffer.add(item);
    }
    if (buffer.isEmpty()) {
      return null;
    }
    Chunk chunk = new Chunk(read, buffer.toArray());
    read += chunk.size;
    pendingChunks++;
    if (mode != Mode.UNORDERED) {
      inOrder.add(chunk);
    }
    return chunk;
  }

  /**
   * The adaptive chunk size: about {@link #TARGET_CHUNK_NANOS} of work by the per-item time
   * measured so far (one item until something was measured), and, for an input of known size, no
   * more than half of each worker thread's share of what is left, so that chunks shrink near the
   * end and all members finish together.
   */
  private int chunkSize() {
    var fixed = pool.config().fixedChunkSize();
    if (fixed.isPresent()) {
      return fixed.getAsInt();
    }
    if (doneItems == 0) {
      return 1;
    }
    long perItem = Math.max(1, doneNanos / doneItems);
    long size = Math.clamp(TARGET_CHUNK_NANOS / perItem, 1, MAX_CHUNK);
    if (knownSize >= 0) {
      long left = knownSize - read;
      long threads = Math.max(1, totalThreads());
      size = Math.min(size, Math.max(1, (left + 2 * threads - 1) / (2 * threads)));
    }
    return (int) size;
  }

  private int totalThreads() {
    int total = 0;
    for (Member member : pool.workers()) {
      if (!givenUp.containsKey(member.getUuid())) {
        total += MemberSelection.threadsOf(member);
      }
    }
    return total;
  }

  /**
   * The usable member with the lowest share of its capacity in use, or null if all are full.
   *
   * @throws ClusterFailedException if no member is usable
   */
  private @Nullable Member pickMember() {
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
      throw fail(noMemberLeft());
    }
    return best;
  }

  private void send(Chunk chunk, Member member) {
    ChunkTask message = chunk.message;
    if (message == null) {
      byte[] payload;
      try {
        payload = WireSerialization.write(task, chunk.items);
      } catch (IOException | RuntimeException e) {
        throw fail(notSerializable(chunk, e));
      }
      message =
          new ChunkTask(
              id, chunk.first, chunk.size, fingerprint, pool.config(), payload, pool.signer());
      chunk.message = message; // a re-send sends the same bytes
    }
    Future<ChunkResult> future;
    try {
      future = pool.chunkExecutor().submitToMember(message, member);
    } catch (HazelcastSerializationException e) {
      throw fail(notSerializable(chunk, e));
    } catch (RuntimeException e) {
      if (!pool.isRunning()) {
        throw fail(new ClusterFailedException(what + ": " + pool + " was shut down", e));
      }
      if (isMemberLoss(e)) {
        toSend.add(chunk.first, chunk); // not sent: no re-send to count
        giveUp(member, "could not be reached (" + e + ")");
        return;
      }
      throw fail(new ParmapException(what + ": sending " + chunk + " failed: " + e, e));
    }
    if (!(future instanceof CompletionStage<?>)) {
      throw new IllegalStateException(
          "Hazelcast's executor future is not a CompletionStage: " + future.getClass());
    }
    @SuppressWarnings("unchecked") // the future of a Callable<ChunkResult>
    CompletionStage<ChunkResult> stage = (CompletionStage<ChunkResult>) future;
    Attempt attempt = new Attempt(chunk, member, System.nanoTime() + timeoutNanos);
    live.add(attempt);
    chunk.liveAttempts++;
    loads.merge(member.getUuid(), 1, Integer::sum);
    stage.whenComplete((result, error) -> completions.add(new Completion(attempt, result, error)));
  }

  /** The call-site error for a chunk that Hazelcast could not serialize: names the item. */
  private ParmapException notSerializable(Chunk chunk, Exception e) {
    for (int i = 0; i < chunk.size; i++) {
      Exception error = Serialization.check(chunk.items[i]);
      if (error != null) {
        ItemNotSerializableException notSerializable =
            new ItemNotSerializableException(chunk.first + i, chunk.items[i], error);
        notSerializable.addSuppressed(e);
        return notSerializable;
      }
    }
    return new ParmapException(what + ": " + chunk + " could not be serialized: " + e, e);
  }

  // ---------------------------------------------------------------------------------------------
  // Receiving results

  private void awaitCompletions() {
    long now = System.nanoTime();
    long wait = Long.MAX_VALUE;
    for (Attempt attempt : live) {
      wait = Math.min(wait, attempt.deadline - now);
    }
    if (wait == Long.MAX_VALUE) {
      throw new IllegalStateException(
          what + ": nothing in flight and nothing to send, but the call is not done");
    }
    Completion completion;
    try {
      completion = wait <= 0 ? completions.poll() : completions.poll(wait, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail(new CallInterruptedException(what, e));
    }
    while (completion != null) {
      handle(completion);
      completion = completions.poll();
    }
    giveUpOnLateMembers(System.nanoTime());
  }

  private void handle(Completion completion) {
    Attempt attempt = completion.attempt;
    Chunk chunk = attempt.chunk;
    // A live attempt that failed stays live until giveUp() takes it, with the member's others, and
    // re-queues its chunk; one that is not live any more had its chunk re-queued then already.
    boolean wasLive = live.contains(attempt);
    if (chunk.done || stopped) {
      release(attempt);
      return; // a later copy of a chunk already done (exactly once), or the call is over
    }
    Member member = attempt.member;
    Throwable error = completion.error;
    if (error != null) {
      if (!wasLive) {
        return; // its member was given up on, and its chunks re-queued, already
      }
      Throwable cause = unwrap(error);
      if (isMemberLoss(cause) || cause instanceof CancellationException) {
        giveUp(member, "left the cluster (" + cause + ")");
        return;
      }
      if (!pool.isRunning()) {
        throw fail(new ClusterFailedException(what + ": " + pool + " was shut down", cause));
      }
      throw fail(failures.remote(chunk, "member " + member.getAddress(), cause));
    }
    ChunkResult result = completion.result;
    if (result == null) {
      giveUp(member, "answered a chunk with nothing");
      return;
    }
    String problem = ResultCheck.problem(result, id, chunk.first, chunk.size, pool.signer());
    if (problem != null) {
      giveUp(member, "sent an answer this caller refused: " + problem);
      return;
    }
    switch (result.kind) {
      case CANCELLED -> giveUp(member, "dropped a chunk of this call without running it");
      case REFUSED -> refused(chunk, member, result);
      case FAILED -> {
        release(attempt);
        Throwable taskFailure = readFailure(chunk, member, result);
        TaskFailedException failed =
            new TaskFailedException(
                chunk.first + result.failedAt, chunk.items[result.failedAt], taskFailure);
        addOtherFailures(failed);
        throw fail(failed);
      }
      case DONE -> {
        Object read = readPayload(chunk, member, result);
        String wrong = ResultCheck.problemWithResults(read, chunk.size);
        if (wrong != null || !(read instanceof Object[] results)) {
          giveUp(member, "sent an answer this caller refused: " + wrong);
          return;
        }
        release(attempt);
        chunk.results = results;
        chunk.done = true;
        chunk.message = null;
        toSend.done(chunk.first);
        doneItems += chunk.size;
        doneNanos += result.nanos;
        if (mode == Mode.UNORDERED) {
          ready.add(chunk);
        }
      }
    }
  }

  /** Takes a finished attempt out of the live ones, if it still is. */
  private void release(Attempt attempt) {
    if (live.remove(attempt)) {
      attempt.chunk.liveAttempts--;
      loads.merge(attempt.member.getUuid(), -1, Integer::sum);
    }
  }

  /** A member would not run a chunk: gives up on it (another secret), or fails the call. */
  private void refused(Chunk chunk, Member member, ChunkResult result) {
    String where = "member " + member.getAddress();
    switch (result.refusal) {
      case BAD_SIGNATURE -> giveUp(member, CallFailures.badSignature(result.message));
      case ALLOW_LIST -> throw fail(failures.allowList(chunk, where, result.message, null));
      case CLASS_MISSING -> throw fail(failures.classMissing(chunk, where, result.message, null));
      case STALE_TASK -> throw fail(failures.stale(where, result.message));
      default -> throw fail(failures.unreadable(chunk, where, result.message, null));
    }
  }

  private Throwable readFailure(Chunk chunk, Member member, ChunkResult result) {
    Object read = readPayload(chunk, member, result);
    if (read instanceof Throwable failure) {
      return failure;
    }
    throw fail(
        new ParmapException(
            what
                + ": "
                + member.getAddress()
                + " reported a failure of "
                + chunk
                + " without its exception",
            null));
  }

  /** The payload of a member's answer, read here under this caller's filter. */
  private @Nullable Object readPayload(Chunk chunk, Member member, ChunkResult result) {
    try {
      return pool.wire().read(result.payload, 1)[0];
    } catch (WireSerialization.Refused e) {
      throw fail(
          failures.allowList(
              chunk,
              "this caller (the answer of member "
                  + member.getAddress()
                  + " was refused here, not on the member)",
              e.reason(),
              e));
    } catch (ClassNotFoundException e) {
      throw fail(failures.classMissing(chunk, "this caller", String.valueOf(e), e));
    } catch (IOException | RuntimeException | LinkageError e) {
      throw fail(
          failures.unreadable(
              chunk, "this caller (the answer of member " + member.getAddress() + ")", "" + e, e));
    }
  }

  /** Attaches the task failures already received from other chunks, as core does. */
  private void addOtherFailures(TaskFailedException first) {
    int attached = 0;
    for (Completion other : completions) {
      ChunkResult result = other.result;
      Chunk chunk = other.attempt.chunk;
      if (result != null
          && result.kind == ChunkResult.Kind.FAILED
          && !chunk.done
          && ResultCheck.problem(result, id, chunk.first, chunk.size, pool.signer()) == null) {
        Object cause;
        try {
          cause = pool.wire().read(result.payload, 1)[0];
        } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
          continue; // the first failure is thrown anyway
        }
        if (!(cause instanceof Throwable t)) {
          continue;
        }
        first.addSuppressed(
            new TaskFailedException(
                chunk.first + result.failedAt, chunk.items[result.failedAt], t));
        if (++attached == MAX_SUPPRESSED) {
          return;
        }
      }
    }
  }

  /** Gives up on the members of attempts past their deadline: they hang, or run far too long. */
  private void giveUpOnLateMembers(long now) {
    List<Member> late = new ArrayList<>();
    for (Attempt attempt : live) {
      if (now - attempt.deadline >= 0) {
        late.add(attempt.member);
      }
    }
    for (Member member : late) {
      giveUp(
          member,
          "did not return a chunk within the chunk timeout of "
              + pool.config().chunkTimeout()
              + " (it hangs, or one chunk takes longer than that)");
    }
  }

  /**
   * Sends no more chunks to {@code member} in this call, and re-sends those in flight there (each
   * at most {@link ClusterConfig#maxResends()} times). A result that still arrives from it is
   * accepted if its chunk is not done by then.
   *
   * @throws ClusterFailedException if a chunk was lost more often than it may be re-sent
   */
  private void giveUp(Member member, String reason) {
    if (givenUp.containsKey(member.getUuid())) {
      return;
    }
    String why = member.getAddress() + " " + reason;
    givenUp.put(member.getUuid(), why);
    givenUpMembers.put(member.getUuid(), member);
    List<Chunk> lost = new ArrayList<>();
    for (Iterator<Attempt> it = live.iterator(); it.hasNext(); ) {
      Attempt attempt = it.next();
      if (attempt.member.getUuid().equals(member.getUuid())) {
        it.remove();
        Chunk chunk = attempt.chunk;
        chunk.liveAttempts--;
        if (!chunk.done && chunk.liveAttempts == 0) {
          lost.add(chunk);
        }
      }
    }
    loads.remove(member.getUuid());
    for (Chunk chunk : lost) {
      chunk.losses.add(why);
      if (toSend.resend(chunk.first, chunk) == ResendQueue.Outcome.CAP_REACHED) {
        throw fail(poison(chunk));
      }
    }
  }

  /** The failure for a chunk lost with its member once more than it may be re-sent. */
  private ClusterFailedException poison(Chunk chunk) {
    String suspects = PoisonReport.describe(chunk.first, chunk.items);
    for (Member member : pool.workers()) {
      if (!givenUp.containsKey(member.getUuid())) {
        return failures.poison(chunk, suspects, chunk.losses, toSend.maxResends());
      }
    }
    return noMemberLeft(CallFailures.lostEverywhere(chunk, suspects, chunk.losses.size()));
  }

  private ClusterFailedException noMemberLeft() {
    return noMemberLeft("");
  }

  private ClusterFailedException noMemberLeft(String suspects) {
    StringBuilder message =
        new StringBuilder(what)
            .append(": no member of cluster '")
            .append(pool.config().clusterName())
            .append("' is left to run the remaining chunks (")
            .append(read - handedOver)
            .append(" items read and not done)");
    if (givenUp.isEmpty()) {
      message.append("; the cluster has no member that runs tasks");
    }
    for (String reason : givenUp.values()) {
      message.append("; member ").append(reason);
    }
    message.append(suspects);
    return new ClusterFailedException(message.toString(), null);
  }

  // ---------------------------------------------------------------------------------------------
  // Stopping

  private RuntimeException fail(RuntimeException e) {
    stop();
    if (failure == null) {
      failure = e;
    }
    return e;
  }

  /**
   * Ends the call, whether it returned or stopped early: tells the members that may hold its chunks
   * (those with chunks in flight, and those given up on) to interrupt them and drop those still
   * queued. The notice is sent without waiting for an answer, so that a member that hangs cannot
   * hold the call.
   */
  private void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    Map<UUID, Member> members = new LinkedHashMap<>();
    for (Attempt attempt : live) {
      members.putIfAbsent(attempt.member.getUuid(), attempt.member);
    }
    members.putAll(givenUpMembers); // they may still hold chunks, and run them once they resume
    live.clear();
    if (members.isEmpty() || !pool.isRunning()) {
      return;
    }
    for (Member member : members.values()) {
      try {
        var unused = pool.cancelExecutor().submitToMember(new CancelCall(id), member);
      } catch (RuntimeException e) {
        // The member or the pool is gone: nothing left there to cancel.
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /**
   * Whether {@code e} says the member (or the way to it) is gone, rather than that the chunk is
   * wrong: then the chunk is re-sent to another member.
   */
  static boolean isMemberLoss(Throwable e) {
    return e instanceof MemberLeftException
        || e instanceof OperationTimeoutException
        || e instanceof HazelcastClientOfflineException
        || e instanceof TargetDisconnectedException
        || e instanceof TargetNotMemberException
        || e instanceof HazelcastInstanceNotActiveException
        || e instanceof RejectedExecutionException;
  }

  private static Throwable unwrap(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Consecutive items sent together; their results once a member returned them. */
  private static final class Chunk {
    final long first;
    final int size;
    final @Nullable Object[] items;
    @Nullable Object @Nullable [] results;
    boolean done;
    int liveAttempts;
    @Nullable ChunkTask message; // made at the first sending, kept for re-sends
    final List<String> losses = new ArrayList<>(1); // the members lost while they held it

    Chunk(long first, @Nullable Object[] items) {
      this.first = first;
      this.size = items.length;
      this.items = items;
    }

    @Override
    public String toString() {
      return size == 1
          ? "the chunk of item #" + first
          : "the chunk of items #" + first + " to #" + (first + size - 1);
    }
  }

  /** One sending of a chunk to a member. */
  private static final class Attempt {
    final Chunk chunk;
    final Member member;
    final long deadline;

    Attempt(Chunk chunk, Member member, long deadline) {
      this.chunk = chunk;
      this.member = member;
      this.deadline = deadline;
    }
  }

  private record Completion(
      Attempt attempt, @Nullable ChunkResult result, @Nullable Throwable error) {}
}
