package dev.parmap.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * Sent to the members that may hold chunks of a call when it ends (returned, failed, cancelled):
 * interrupts the call's running chunks there and makes its queued ones end at once, and closes the
 * call's idle per-worker resources there. It runs on an executor of its own, so it does not wait
 * behind the chunks it cancels. For a call with per-worker resources it answers once the call's
 * interrupted chunks have ended there (their resources closed), or after {@code awaitNanos}.
 *
 * <p>Or, {@linkplain #ofChunk for one chunk}, sent to the member that runs a copy of a chunk that
 * another member answered first (a hedged head of line): interrupts that chunk alone, or drops it
 * if it is still queued, so that the copy does not hold a thread of the member for nothing.
 *
 * <p>Signed as chunks are: a member with the cluster's shared secret ignores a cancel not signed
 * with it (one line in its log), so that whoever can reach the member but lacks the secret cannot
 * stop other callers' calls there. A copy of a signed cancel replayed later can only end the same
 * call, which has ended already.
 */
final class CancelCall
    implements Callable<Boolean>, IdentifiedDataSerializable, HazelcastInstanceAware {

  private static final System.Logger LOG = System.getLogger(CancelCall.class.getName());
  private static final byte[] NONE = new byte[0];
  private static final long WHOLE_CALL = -1;

  private UUID call = new UUID(0, 0);
  private long first = WHOLE_CALL;
  private long awaitNanos;
  private byte[] signature = NONE;
  private transient @Nullable HazelcastInstance member;

  /** For Hazelcast's deserialization. */
  CancelCall() {}

  /**
   * @param awaitNanos how long to wait for the call's running chunks to end before answering
   * @param signer the caller's signer (its shared secret, or none)
   */
  CancelCall(UUID call, long awaitNanos, ChunkSigner signer) {
    this(call, WHOLE_CALL, awaitNanos, signer);
  }

  private CancelCall(UUID call, long first, long awaitNanos, ChunkSigner signer) {
    this.call = call;
    this.first = first;
    this.awaitNanos = awaitNanos;
    this.signature = signer.sign(signedContent());
  }

  /** Cancels the chunk of {@code call} (a session) at {@code first} alone; answers at once. */
  static CancelCall ofChunk(UUID call, long first, ChunkSigner signer) {
    if (first < 0) {
      throw new IllegalArgumentException("first must be at least 0, not " + first);
    }
    return new CancelCall(call, first, 0, signer);
  }

  private byte[] signedContent() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(48);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF("parmap-cancel-v2");
      out.writeLong(call.getMostSignificantBits());
      out.writeLong(call.getLeastSignificantBits());
      out.writeLong(first);
      out.writeLong(awaitNanos);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
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
    return cancel(MemberCalls.of(self));
  }

  /** Ends the call on the member whose calls these are, if the cancel is signed as they require. */
  boolean cancel(MemberCalls calls) {
    if (!calls.signer().verify(signedContent(), signature)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "parmap: ignored a cancel of call {0} that is not signed with this member''s shared"
              + " secret",
          call);
      return false;
    }
    if (first != WHOLE_CALL) {
      calls.cancelChunk(call, first);
      return true;
    }
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
    out.writeLong(first);
    out.writeLong(awaitNanos);
    out.writeByteArray(signature);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    call = new UUID(in.readLong(), in.readLong());
    first = in.readLong();
    awaitNanos = in.readLong();
    signature = ChunkResult.orNone(in.readByteArray());
  }
}
