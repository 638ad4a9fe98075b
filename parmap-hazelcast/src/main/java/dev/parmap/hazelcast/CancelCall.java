package dev.parmap.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serializable;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * Sent to a member when a call stops early: interrupts the call's running chunks there and makes
 * its queued ones end at once. It runs on an executor of its own, so it does not wait behind the
 * chunks it cancels.
 */
final class CancelCall implements Callable<Boolean>, Serializable, HazelcastInstanceAware {
  private static final long serialVersionUID = 1L;

  private final UUID call;
  private transient @Nullable HazelcastInstance member;

  CancelCall(UUID call) {
    this.call = call;
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
    MemberCalls.of(self).cancel(call);
    return true;
  }
}
