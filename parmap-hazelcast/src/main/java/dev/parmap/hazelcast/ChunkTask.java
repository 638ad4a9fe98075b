package dev.parmap.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.parmap.ParmapException;
import dev.parmap.Task;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * A chunk of consecutive items and the task, sent to a member, which runs the items one after the
 * other on one of its executor threads. On the wire: the call's id, the task, then the items (see
 * {@link WireTypes}).
 */
final class ChunkTask
    implements Callable<ChunkResult>, IdentifiedDataSerializable, HazelcastInstanceAware {

  private UUID call = new UUID(0, 0);
  private @Nullable Object[] items = new Object[0];
  private Task<@Nullable Object, @Nullable Object> task = item -> item;
  private transient @Nullable HazelcastInstance member;

  /** For Hazelcast's deserialization. */
  ChunkTask() {}

  @SuppressWarnings("unchecked") // the caller pairs items and task of the same call
  ChunkTask(UUID call, @Nullable Object[] items, SerializableTask<?, ?> task) {
    this.call = call;
    this.items = items;
    this.task = (Task<@Nullable Object, @Nullable Object>) task;
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
    out.writeObject(task);
    out.writeInt(items.length);
    for (Object item : items) {
      out.writeObject(item);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    call = new UUID(in.readLong(), in.readLong());
    Task<@Nullable Object, @Nullable Object> read = in.readObject();
    if (read == null) {
      throw new IOException("a chunk arrived without its task");
    }
    task = read;
    items = new Object[in.readInt()];
    for (int i = 0; i < items.length; i++) {
      items[i] = in.readObject();
    }
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance member) {
    this.member = member;
  }

  @Override
  public ChunkResult call() {
    HazelcastInstance self = member;
    MemberCalls calls = self == null ? new MemberCalls() : MemberCalls.of(self);
    if (!calls.enter(call)) {
      return ChunkResult.cancelled();
    }
    try {
      return runItems(calls);
    } finally {
      calls.exit(call);
    }
  }

  private ChunkResult runItems(MemberCalls calls) {
    long start = System.nanoTime();
    @Nullable Object[] results = new Object[items.length];
    for (int i = 0; i < items.length; i++) {
      if (calls.isCancelled(call)) {
        return ChunkResult.cancelled();
      }
      @Nullable Object result;
      try {
        result = task.apply(items[i]);
      } catch (Throwable e) { // a task's Error is its failure too; the member itself goes on
        if (calls.isCancelled(call)) {
          return ChunkResult.cancelled();
        }
        return ChunkResult.failure(i, sendable(e), System.nanoTime() - start);
      }
      if (result != null && !(result instanceof Serializable)) {
        NotSerializableException notSerializable =
            new NotSerializableException(
                result.getClass().getName()
                    + ": the task returned a result that cannot be sent back to the caller;"
                    + " return Serializable values");
        return ChunkResult.failure(i, notSerializable, System.nanoTime() - start);
      }
      results[i] = result;
    }
    return ChunkResult.success(results, System.nanoTime() - start);
  }

  /**
   * The task's exception if it can travel back to the caller, or else a {@link ParmapException}
   * with its description and stack trace (a field of it is not serializable).
   */
  private static Throwable sendable(Throwable e) {
    try {
      Serialization.serialize(e);
      return e;
    } catch (RuntimeException | java.io.IOException notSendable) {
      ParmapException standIn =
          new ParmapException(
              e + " (thrown on a member; this exception cannot be sent back: " + notSendable + ")",
              null);
      standIn.setStackTrace(e.getStackTrace());
      return standIn;
    }
  }
}
