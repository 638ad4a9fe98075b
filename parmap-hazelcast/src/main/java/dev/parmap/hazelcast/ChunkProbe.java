package dev.parmap.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * Asks a member since when it runs a chunk, so that the caller's chunk timeout counts the chunk's
 * run time, not the time it waited in the member's queue behind other callers' work. Answers how
 * many nanoseconds the chunk has been running, or {@link #NOT_RUNNING} (queued, already answered,
 * or never received). It runs on the cancel executor, so it does not queue behind the chunks; a
 * member that does not answer it at all is taken to hang.
 *
 * <p>Not signed: the answer only tells the caller how long to keep waiting, within the bound of
 * {@link ClusterConfig#queueTimeout()} plus {@link ClusterConfig#chunkTimeout()} from the send.
 */
final class ChunkProbe
    implements Callable<Long>, IdentifiedDataSerializable, HazelcastInstanceAware {

  /** The answer for a chunk that does not run there now. */
  static final long NOT_RUNNING = -1;

  private UUID call = new UUID(0, 0);
  private long first;
  private transient @Nullable HazelcastInstance member;

  /** For Hazelcast's deserialization. */
  ChunkProbe() {}

  ChunkProbe(UUID call, long first) {
    this.call = call;
    this.first = first;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance member) {
    this.member = member;
  }

  @Override
  public Long call() {
    HazelcastInstance self = member;
    return self == null ? NOT_RUNNING : MemberCalls.of(self).runningFor(call, first);
  }

  @Override
  public int getFactoryId() {
    return WireTypes.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return WireTypes.CHUNK_PROBE;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(call.getMostSignificantBits());
    out.writeLong(call.getLeastSignificantBits());
    out.writeLong(first);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    call = new UUID(in.readLong(), in.readLong());
    first = in.readLong();
  }
}
