package dev.parmap.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.parmap.ParmapException;
import dev.parmap.Task;
import dev.parmap.engine.RemotePolicies;
import dev.parmap.engine.ResourceWork;
import dev.parmap.engine.WorkerResources;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A chunk of consecutive items, sent to a member, which runs the items one after the other on one
 * of its executor threads. On the wire, field by field: the call's id (the caller's session of the
 * call with this member: new each time the member rejoins the call, see {@link ClusterCall}), the
 * place of the chunk in the input, the task's {@link TaskFingerprint}, how long the caller waits
 * (the chunk timeout counts run time, the queue timeout time queued), whether the member goes on
 * after an item fails, the per-item timeout, the time left before the caller's deadline, then the
 * task (or nothing) and the items as two Java-serialized payloads, and the caller's signature over
 * every other field. The member keeps what it holds of a call (its task, its resources) by that id.
 *
 * <p><b>The task once per session.</b> The caller sends the task with its chunks to a member until
 * the member has answered one of the session (then it holds the task: {@link MemberCalls}), and
 * without it afterwards. A chunk without a task that the member does not hold is answered {@link
 * ChunkResult.Kind#NEEDS_TASK}; its caller sends it again with the task.
 *
 * <p>On the member, before anything is deserialized: a chunk of a call that ended, or held longer
 * than its caller waits for it (past the queue timeout plus the chunk timeout, running past the
 * chunk timeout, or the member stood still for a good part of the caller's timeouts), is dropped,
 * and so is the rest of a chunk that becomes so; a chunk not signed with the member's shared secret
 * is refused. Then the payloads are read under the member's filter, and a task whose class differs
 * from the caller's (by fingerprint) is refused. The answer is signed with the member's secret.
 *
 * <p><b>Policies on the member.</b> Each item is one attempt ({@link ItemAlarms}): with a per-item
 * timeout, an attempt that runs longer (counted from the item's start, not from the chunk's
 * arrival) is interrupted and fails with the core's {@link java.util.concurrent.TimeoutException},
 * worded as a local call's. When the time left before the caller's deadline (counted from the
 * chunk's arrival) has passed, no further item starts and the running one is interrupted; the
 * answer is {@link ChunkResult.Kind#EXPIRED}. A chunk that goes on after a failure (outcomes, or
 * retry decided at the caller) reports each failed item as a {@link FailedItem} among the results.
 */
final class ChunkTask
    implements Callable<ChunkResult>, IdentifiedDataSerializable, HazelcastInstanceAware {

  private static final byte[] NONE = new byte[0];

  private static final System.Logger LOG = System.getLogger(ChunkTask.class.getName());

  /** The shortest pause of a member after which it drops the chunks it held. */
  static final long MIN_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** A chunk read this soon after a pause may have been sent during it. */
  static final long READ_AFTER_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private UUID call = new UUID(0, 0);
  private long first;
  private int size;
  private TaskFingerprint fingerprint = new TaskFingerprint("", TaskFingerprint.UNKNOWN);
  private long chunkTimeoutNanos = Long.MAX_VALUE;
  private long queueTimeoutNanos = Long.MAX_VALUE;
  private long heartbeatTimeoutNanos = Long.MAX_VALUE;
  private boolean goesOn;
  private long itemTimeoutNanos = -1;
  private long deadlineNanosLeft = -1;
  private byte[] taskPayload = NONE;
  private byte[] payload = NONE;
  private byte[] signature = NONE;
  private transient long receivedAt = System.nanoTime();
  private transient @Nullable HazelcastInstance member;

  /** For Hazelcast's deserialization. */
  ChunkTask() {}

  /**
   * A chunk of {@code size} items starting at index {@code first}.
   *
   * @param policies whether the member goes on after a failed item, the per-item timeout and the
   *     time left before the caller's deadline
   * @param taskPayload the task as {@link WireSerialization#write} wrote it, or empty: the member
   *     holds it already
   * @param payload the items, an {@code Object[]}, as {@link WireSerialization#write} wrote it
   */
  ChunkTask(
      UUID call,
      long first,
      int size,
      TaskFingerprint fingerprint,
      ClusterConfig config,
      MemberPolicies policies,
      byte[] taskPayload,
      byte[] payload,
      ChunkSigner signer) {
    this.call = call;
    this.first = first;
    this.size = size;
    this.fingerprint = fingerprint;
    this.chunkTimeoutNanos = config.chunkTimeout().toNanos();
    this.queueTimeoutNanos = config.queueTimeout().toNanos();
    this.heartbeatTimeoutNanos = config.heartbeatTimeout().toNanos();
    this.goesOn = policies.goesOn();
    this.itemTimeoutNanos = policies.itemTimeoutNanos();
    this.deadlineNanosLeft = policies.deadlineNanosLeft();
    this.taskPayload = taskPayload;
    this.payload = payload;
    this.signature = signer.sign(signedContent());
  }

  /**
   * What the member applies to the chunk's items.
   *
   * @param goesOn whether the member runs the items after one that failed, reporting each failure
   * @param itemTimeoutNanos the per-item timeout, or -1 for none
   * @param deadlineNanosLeft the time left before the caller's deadline, or -1 for none
   */
  record MemberPolicies(boolean goesOn, long itemTimeoutNanos, long deadlineNanosLeft) {}

  UUID callId() {
    return call;
  }

  long first() {
    return first;
  }

  int size() {
    return size;
  }

  /** Every field but the signature. */
  private byte[] signedContent() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + payload.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF("parmap-chunk-v2");
      out.writeLong(call.getMostSignificantBits());
      out.writeLong(call.getLeastSignificantBits());
      out.writeLong(first);
      out.writeInt(size);
      out.writeUTF(fingerprint.className());
      out.writeUTF(fingerprint.sha256());
      out.writeLong(chunkTimeoutNanos);
      out.writeLong(queueTimeoutNanos);
      out.writeLong(heartbeatTimeoutNanos);
      out.writeBoolean(goesOn);
      out.writeLong(itemTimeoutNanos);
      out.writeLong(deadlineNanosLeft);
      out.writeInt(taskPayload.length);
      out.write(taskPayload);
      out.writeInt(payload.length);
      out.write(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  @Override
  public int getFactoryId() {
    return WireTypes.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return WireTypes.CHUNK_TASK;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(call.getMostSignificantBits());
    out.writeLong(call.getLeastSignificantBits());
    out.writeLong(first);
    out.writeInt(size);
    out.writeString(fingerprint.className());
    out.writeString(fingerprint.sha256());
    out.writeLong(chunkTimeoutNanos);
    out.writeLong(queueTimeoutNanos);
    out.writeLong(heartbeatTimeoutNanos);
    out.writeBoolean(goesOn);
    out.writeLong(itemTimeoutNanos);
    out.writeLong(deadlineNanosLeft);
    out.writeByteArray(taskPayload);
    out.writeByteArray(payload);
    out.writeByteArray(signature);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    receivedAt = System.nanoTime();
    call = new UUID(in.readLong(), in.readLong());
    first = in.readLong();
    size = in.readInt();
    String className = in.readString();
    String sha256 = in.readString();
    fingerprint =
        new TaskFingerprint(
            className == null ? "" : className, sha256 == null ? TaskFingerprint.UNKNOWN : sha256);
    chunkTimeoutNanos = in.readLong();
    queueTimeoutNanos = in.readLong();
    heartbeatTimeoutNanos = in.readLong();
    goesOn = in.readBoolean();
    itemTimeoutNanos = in.readLong();
    deadlineNanosLeft = in.readLong();
    taskPayload = ChunkResult.orNone(in.readByteArray());
    payload = ChunkResult.orNone(in.readByteArray());
    signature = ChunkResult.orNone(in.readByteArray());
    if (size < 0) {
      throw new IOException("not a parmap chunk: size " + size);
    }
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance member) {
    this.member = member;
  }

  @Override
  public ChunkResult call() {
    HazelcastInstance self = member;
    MemberCalls calls =
        self == null
            ? new MemberCalls(ChunkSigner.none(), WireSerialization.of(ClusterConfig.defaults()))
            : MemberCalls.of(self);
    ChunkResult answer = answer(calls);
    if (answer.kind == ChunkResult.Kind.REFUSED) {
      // One line, no stack trace: the caller gets the whole story in its exception.
      LOG.log(
          System.Logger.Level.WARNING,
          "parmap: refused a chunk of call {0} ({1}): {2}",
          call,
          answer.refusal,
          answer.message);
    }
    return answer.signedBy(calls.signer(), call, first, size);
  }

  /** What this member answers, unsigned. */
  ChunkResult answer(MemberCalls calls) {
    if (calls.isCancelled(call, first)) {
      return ChunkResult.cancelled(); // the call ended here, or another copy of this chunk answered
    }
    if (isStale(calls)) {
      calls.end(call); // its caller gave up on this member: drop the call's other chunks too
      return ChunkResult.cancelled();
    }
    if (!calls.signer().verify(signedContent(), signature)) {
      return ChunkResult.refused(
          ChunkResult.Refusal.BAD_SIGNATURE,
          signature.length == 0
              ? "the chunk is not signed, and this member requires the cluster's shared secret"
              : "the chunk is not signed with this member's shared secret");
    }
    Task<@Nullable Object, @Nullable Object> sent = null;
    @Nullable Object[] items;
    try {
      if (taskPayload.length > 0 && !calls.holdsTask(call)) {
        @SuppressWarnings("unchecked") // the caller writes a task
        Task<@Nullable Object, @Nullable Object> t =
            (Task<@Nullable Object, @Nullable Object>) calls.wire().read(taskPayload, 1)[0];
        if (t == null) {
          return ChunkResult.refused(ChunkResult.Refusal.UNREADABLE, "the chunk holds no task");
        }
        TaskFingerprint here = TaskFingerprint.of(t);
        if (!fingerprint.matches(here)) {
          return ChunkResult.refused(
              ChunkResult.Refusal.STALE_TASK,
              "this member has another version of "
                  + here.className()
                  + " (sha-256 "
                  + here.shortHash()
                  + "... here, "
                  + fingerprint.shortHash()
                  + "... on the caller)");
        }
        sent = t;
      }
      if (!(calls.wire().read(payload, 1)[0] instanceof Object[] array) || array.length != size) {
        return ChunkResult.refused(
            ChunkResult.Refusal.UNREADABLE, "the chunk does not hold " + size + " items");
      }
      items = array;
      HazelcastInstance self = member;
      if (self != null) {
        UserTypes.unwrap(self, items); // values of the user's registered types
      }
    } catch (WireSerialization.Refused e) {
      return ChunkResult.refused(ChunkResult.Refusal.ALLOW_LIST, e.reason());
    } catch (ClassNotFoundException e) {
      return ChunkResult.refused(ChunkResult.Refusal.CLASS_MISSING, String.valueOf(e));
    } catch (IOException | RuntimeException | LinkageError e) {
      return ChunkResult.refused(ChunkResult.Refusal.UNREADABLE, String.valueOf(e));
    }
    MemberCalls.Held held = calls.enter(call, first, sent, chunkTimeoutNanos);
    // null: the call ended here, or this chunk was cancelled (a copy elsewhere answered first)
    if (held == null) {
      return ChunkResult.cancelled();
    }
    if (held == MemberCalls.Held.NONE) {
      return ChunkResult.needsTask();
    }
    try {
      return runItems(calls, held, items);
    } finally {
      calls.exit(call, first);
    }
  }

  /**
   * Whether the caller has given up, or is about to give up, on this member, though it did not say
   * so (see {@link MemberCalls#isCancelled} for what it said): the chunk was held longer than the
   * caller waits for a chunk at most (its queue timeout plus its chunk timeout), or this member
   * stood still (stopped, a long GC pause) for at least half of what the caller waits for a chunk
   * or a heartbeat, and at least {@link #MIN_PAUSE_NANOS}, while it held the chunk or shortly
   * before it read it (a chunk sent during the pause waits in the socket until the member resumes).
   */
  private boolean isStale(MemberCalls calls) {
    long pauseLimit =
        Math.max(MIN_PAUSE_NANOS, Math.min(chunkTimeoutNanos, heartbeatTimeoutNanos) / 2);
    return System.nanoTime() - receivedAt >= saturatedSum(queueTimeoutNanos, chunkTimeoutNanos)
        || calls.longestPauseAfter(receivedAt - READ_AFTER_PAUSE_NANOS) >= pauseLimit;
  }

  /** {@code a + b} for non-negative values, {@link Long#MAX_VALUE} where it overflows. */
  static long saturatedSum(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private ChunkResult runItems(MemberCalls calls, MemberCalls.Held held, @Nullable Object[] items) {
    long start = System.nanoTime();
    long deadline =
        deadlineNanosLeft < 0 ? -1 : Math.max(0, receivedAt + deadlineNanosLeft - start);
    Object[] resource = new Object[1]; // the resource this chunk holds, taken at its first item
    int timeouts = 0;
    try (ItemAlarms alarms =
        new ItemAlarms(
            itemTimeoutNanos >= 0 || deadline >= 0 ? calls.timer().get() : null,
            itemTimeoutNanos,
            deadline)) {
      @Nullable Object[] results = new Object[items.length];
      for (int i = 0; i < items.length; i++) {
        // Also just before the first: the member may have stood still since. A chunk that ran past
        // the chunk timeout is one its caller gives up on (its probe says so).
        if (calls.isCancelled(call, first) || isStale(calls)) {
          return ChunkResult.cancelled();
        }
        if (i > 0 && System.nanoTime() - start >= chunkTimeoutNanos) {
          return ChunkResult.cancelled(
              "stopped running the chunk after item #"
                  + (first + i - 1)
                  + ": it had run for longer than the chunk timeout of "
                  + Duration.ofNanos(chunkTimeoutNanos)
                  + " (an item hangs, or the chunk's items take longer than that together)");
        }
        if (alarms.expired()) {
          return ChunkResult.expired();
        }
        long began = System.nanoTime();
        var alarm = alarms.beginAttempt();
        @Nullable Object result;
        Throwable failure = null;
        try {
          result = apply(held, items[i], resource);
        } catch (Throwable e) { // a task's Error is its failure too; the member itself goes on
          result = null;
          failure = e;
        }
        boolean timedOut = alarms.endAttempt(alarm);
        if (failure != null) {
          if (calls.isCancelled(call, first)) {
            return ChunkResult.cancelled();
          }
          if (alarms.expired()) {
            return ChunkResult.expired();
          }
          if (timedOut) {
            timeouts++;
            failure =
                RemotePolicies.timedOut(first + i, Duration.ofNanos(itemTimeoutNanos), failure);
          }
        } else if (result != null
            && !(result instanceof Serializable)
            && !calls.userTypes().isRegistered(result)) {
          failure =
              new NotSerializableException(
                  result.getClass().getName()
                      + ": the task returned a result that cannot be sent back to the caller;"
                      + " return Serializable values");
        }
        if (failure == null) {
          results[i] = result;
        } else if (goesOn) {
          results[i] = new FailedItem(sendable(failure), System.nanoTime() - began);
        } else {
          return failed(i, failure, System.nanoTime() - start).withTimeouts(timeouts);
        }
      }
      long nanos = System.nanoTime() - start;
      try {
        HazelcastInstance self = member;
        if (self != null) {
          calls.userTypes().wrap(self, results); // values of the user's registered types
        }
        return ChunkResult.done(WireSerialization.write((Object) results), nanos)
            .withTimeouts(timeouts);
      } catch (IOException | RuntimeException e) {
        for (int i = 0; i < results.length; i++) {
          Exception error = Serialization.check(results[i]);
          if (error != null) {
            return failed(i, error, nanos).withTimeouts(timeouts);
          }
        }
        return failed(0, e, nanos).withTimeouts(timeouts);
      }
    } finally {
      WorkerResources resources = held.resources;
      if (resource[0] != null && resources != null) {
        resources.giveBack(resource[0]);
        if (calls.hasEnded(call)) {
          held.close(); // given back after the call ended: closed now; a failure is logged
        }
      }
    }
  }

  /** Applies the call's task to {@code item}, with the chunk's resource if the task needs one. */
  private static @Nullable Object apply(
      MemberCalls.Held held, @Nullable Object item, @Nullable Object[] resource) throws Exception {
    ResourceWork work = held.resourceWork;
    WorkerResources resources = held.resources;
    if (work == null || resources == null) {
      Task<@Nullable Object, @Nullable Object> task = held.task;
      if (task == null) {
        throw new IllegalStateException("parmap bug: a chunk ran without its task");
      }
      return task.apply(item);
    }
    Object mine = resource[0];
    if (mine == null) {
      mine = resources.take(); // a factory that throws fails this item
      resource[0] = mine;
    }
    return work.apply(mine, item);
  }

  private static ChunkResult failed(int index, Throwable failure, long nanos) {
    try {
      return ChunkResult.failed(index, WireSerialization.write(sendable(failure)), nanos);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("a stand-in exception could not be serialized", e);
    }
  }

  /**
   * The task's exception if it can travel back to the caller, or else a {@link ParmapException}
   * with its description and stack trace (a field of it is not serializable).
   */
  static Throwable sendable(Throwable e) {
    try {
      Serialization.serialize(e);
      return e;
    } catch (RuntimeException | IOException notSendable) {
      ParmapException standIn =
          new ParmapException(
              e + " (thrown on a member; this exception cannot be sent back: " + notSendable + ")",
              null);
      standIn.setStackTrace(e.getStackTrace());
      return standIn;
    }
  }
}
