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
 * Sent to the members that may hold chunks of a call when it ends (returned, failed, cancelled):
 * interrupts the call's running chunks there and makes its queued ones end at once, and closes the
 * call's idle per-worker resources there. It runs on an executor of its own, so it does not wait
 * behind the chunks it cancels. For a call with per-worker resources it answers once the call's
 * interrupted chunks have ended there (their resources closed), or after {@code awaitNanos}.
 */
final class CancelCall
    implements Callable<Boolean>, IdentifiedDataSerializable, HazelcastInstanceAware {

  private UUID call = new UUID(0, 0);
  private long awaitNanos;
  private transient @Nullable HazelcastInstance member;

  /** For Hazelcast's deserialization. */
  CancelCall() {}

  CancelCall(UUID call) {
    this(call, 0);
  }

  /**
   * @param awaitNanos how long to wait for the call's running chunks to end before answering
   */
  CancelCall(UUID call, long awaitNanos) {
    this.call = call;
    this.awaitNanos = awaitNanos;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance member) {
    this.member = member;
  }

  @Override
  public Boolean call() {
    HazelcastInstance self = member;
    if (self == null) {
      return false;
    }
    MemberCalls calls = MemberCalls.of(self);
    calls.end(call);
    if (awaitNanos <= 0) {
      return true;
    }
    try {
      return calls.awaitEnded(call, awaitNanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public int getFactoryId() {
    return WireTypes.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return WireTypes.CANCEL_CALL;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(call.getMostSignificantBits());
    out.writeLong(call.getLeastSignificantBits());
    out.writeLong(awaitNanos);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    call = new UUID(in.readLong(), in.readLong());
    awaitNanos = in.readLong();
  }
}
