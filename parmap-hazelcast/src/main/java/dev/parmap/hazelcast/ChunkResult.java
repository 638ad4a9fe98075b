package dev.parmap.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * What a member sends back for a chunk: the results in item order, or the first failure and the
 * position in the chunk of the item that failed. A task's exception travels as a value (not as the
 * failure of Hazelcast's future) so that its class, message and position arrive intact.
 */
final class ChunkResult implements IdentifiedDataSerializable {

  /** {@link #failedAt} when the chunk did not fail. */
  static final int NO_FAILURE = -1;

  /** {@link #failedAt} when the chunk was cancelled on the member: no result, no failure. */
  static final int CANCELLED = -2;

  @Nullable Object[] results = new Object[0];
  int failedAt = NO_FAILURE;
  @Nullable Throwable failure;

  /** Nanoseconds the member spent running the chunk's items: the caller sizes chunks with it. */
  long nanos;

  /** For Hazelcast's deserialization. */
  ChunkResult() {}

  private ChunkResult(
      @Nullable Object[] results, int failedAt, @Nullable Throwable failure, long nanos) {
    this.results = results;
    this.failedAt = failedAt;
    this.failure = failure;
    this.nanos = nanos;
  }

  static ChunkResult success(@Nullable Object[] results, long nanos) {
    return new ChunkResult(results, NO_FAILURE, null, nanos);
  }

  static ChunkResult failure(int failedAt, Throwable failure, long nanos) {
    return new ChunkResult(new Object[0], failedAt, failure, nanos);
  }

  static ChunkResult cancelled() {
    return new ChunkResult(new Object[0], CANCELLED, null, 0);
  }

  @Override
  public int getFactoryId() {
    return WireTypes.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return WireTypes.CHUNK_RESULT;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(failedAt);
    out.writeLong(nanos);
    out.writeObject(failure);
    out.writeInt(results.length);
    for (Object result : results) {
      out.writeObject(result);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    failedAt = in.readInt();
    nanos = in.readLong();
    failure = in.readObject();
    results = new Object[in.readInt()];
    for (int i = 0; i < results.length; i++) {
      results[i] = in.readObject();
    }
  }
}
