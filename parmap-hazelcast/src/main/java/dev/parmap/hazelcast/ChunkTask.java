package dev.parmap.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.parmap.ParmapException;
import dev.parmap.Task;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A chunk of consecutive items and the task, sent to a member, which runs the items one after the
 * other on one of its executor threads. On the wire, field by field: the call's id, the place of
 * the chunk in the input, the task's {@link TaskFingerprint}, how long the caller waits (the chunk
 * timeout counts run time, the queue timeout time queued), then the task and the items as one
 * Java-serialized payload, and the caller's signature.
 *
 * <p>On the member, before anything is deserialized: a chunk of a call that ended, or held longer
 * than its caller waits for it (past the queue timeout plus the chunk timeout, running past the
 * chunk timeout, or the member stood still for a good part of the caller's timeouts), is dropped,
 * and so is the rest of a chunk that becomes so; a chunk not signed with the member's shared secret
 * is refused. Then the payload is read under the member's filter, and a task whose class differs
 * from the caller's (by fingerprint) is refused. The answer is signed with the member's secret.
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
  private byte[] payload = NONE;
  private byte[] signature = NONE;
  private transient long receivedAt = System.nanoTime();
  private transient @Nullable HazelcastInstance member;

  /** For Hazelcast's deserialization. */
  ChunkTask() {}

  /**
   * A chunk of {@code size} items starting at index {@code first}; {@code payload} holds the task
   * and the items as {@link WireSerialization#write}{@code (task, items)} wrote them.
   */
  ChunkTask(
      UUID call,
      long first,
      int size,
      TaskFingerprint fingerprint,
      ClusterConfig config,
      byte[] payload,
      ChunkSigner signer) {
    this.call = call;
    this.first = first;
    this.size = size;
    this.fingerprint = fingerprint;
    this.chunkTimeoutNanos = config.chunkTimeout().toNanos();
    this.queueTimeoutNanos = config.queueTimeout().toNanos();
    this.heartbeatTimeoutNanos = config.heartbeatTimeout().toNanos();
    this.payload = payload;
    this.signature = signer.sign(signedContent());
  }

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
      out.writeUTF("parmap-chunk-v1");
      out.writeLong(call.getMostSignificantBits());
      out.writeLong(call.getLeastSignificantBits());
      out.writeLong(first);
      out.writeInt(size);
      out.writeUTF(fingerprint.className());
      out.writeUTF(fingerprint.sha256());
      out.writeLong(chunkTimeoutNanos);
      out.writeLong(queueTimeoutNanos);
      out.writeLong(heartbeatTimeoutNanos);
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
    Task<@Nullable Object, @Nullable Object> task;
    @Nullable Object[] items;
    try {
      @Nullable Object[] read = calls.wire().read(payload, 2);
      @SuppressWarnings("unchecked") // the caller writes the task first
      Task<@Nullable Object, @Nullable Object> t =
          (Task<@Nullable Object, @Nullable Object>) read[0];
      if (t == null || !(read[1] instanceof Object[] array) || array.length != size) {
        return ChunkResult.refused(
            ChunkResult.Refusal.UNREADABLE,
            "the chunk does not hold a task and " + size + " items");
      }
      task = t;
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
    TaskFingerprint here = TaskFingerprint.of(task);
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
    if (!calls.enter(call, first)) {
      return ChunkResult.cancelled();
    }
    try {
      return runItems(calls, task, items);
    } finally {
      calls.exit(call, first);
    }
  }

  /**
   * Whether the caller has given up, or is about to give up, on this chunk here: its call ended, or
   * the chunk was held longer than the caller waits for a chunk at most (its queue timeout plus its
   * chunk timeout), or this member stood still (stopped, a long GC pause) for at least half of what
   * the caller waits for a chunk or a heartbeat, and at least {@link #MIN_PAUSE_NANOS}, while it
   * held the chunk or shortly before it read it (a chunk sent during the pause waits in the socket
   * until the member resumes).
   */
  private boolean isStale(MemberCalls calls) {
    long pauseLimit =
        Math.max(MIN_PAUSE_NANOS, Math.min(chunkTimeoutNanos, heartbeatTimeoutNanos) / 2);
    return calls.hasEnded(call)
        || System.nanoTime() - receivedAt >= saturatedSum(queueTimeoutNanos, chunkTimeoutNanos)
        || calls.longestPauseAfter(receivedAt - READ_AFTER_PAUSE_NANOS) >= pauseLimit;
  }

  /** {@code a + b} for non-negative values, {@link Long#MAX_VALUE} where it overflows. */
  static long saturatedSum(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private ChunkResult runItems(
      MemberCalls calls, Task<@Nullable Object, @Nullable Object> task, @Nullable Object[] items) {
    long start = System.nanoTime();
    @Nullable Object[] results = new Object[items.length];
    for (int i = 0; i < items.length; i++) {
      // Also just before the first: the member may have stood still since. A chunk that ran past
      // the chunk timeout is one its caller gives up on (its probe says so).
      if (isStale(calls) || (i > 0 && System.nanoTime() - start >= chunkTimeoutNanos)) {
        return ChunkResult.cancelled();
      }
      @Nullable Object result;
      try {
        result = task.apply(items[i]);
      } catch (Throwable e) { // a task's Error is its failure too; the member itself goes on
        if (calls.hasEnded(call)) {
          return ChunkResult.cancelled();
        }
        return failed(i, e, System.nanoTime() - start);
      }
      if (result != null
          && !(result instanceof Serializable)
          && !calls.userTypes().isRegistered(result)) {
        NotSerializableException notSerializable =
            new NotSerializableException(
                result.getClass().getName()
                    + ": the task returned a result that cannot be sent back to the caller;"
                    + " return Serializable values");
        return failed(i, notSerializable, System.nanoTime() - start);
      }
      results[i] = result;
    }
    long nanos = System.nanoTime() - start;
    try {
      HazelcastInstance self = member;
      if (self != null) {
        calls.userTypes().wrap(self, results);
      }
      return ChunkResult.done(WireSerialization.write((Object) results), nanos);
    } catch (IOException | RuntimeException e) {
      for (int i = 0; i < results.length; i++) {
        Exception error = Serialization.check(results[i]);
        if (error != null) {
          return failed(i, error, nanos);
        }
      }
      return failed(0, e, nanos);
    }
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
