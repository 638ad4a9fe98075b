package dev.parmap.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * What a member sends back for a chunk, field by field: its {@link Kind}, how many attempts its
 * per-item timeout interrupted, and for {@link Kind#DONE} the results in item order (with a {@link
 * FailedItem} for each item that failed, when the chunk asked the member to go on after a failure),
 * for {@link Kind#FAILED} the position in the chunk of the item that failed and the task's
 * exception (both Java-serialized in {@link #payload}, read by the caller under its filter), for
 * {@link Kind#REFUSED} why the member would not run the chunk. A task's exception travels as a
 * value (not as the failure of Hazelcast's future) so that its class, message and position arrive
 * intact.
 *
 * <p>With a shared secret, the member signs every field, bound to the call and the chunk's place in
 * the input ({@link #signedContent}); the caller checks that before it reads the payload.
 */
final class ChunkResult implements IdentifiedDataSerializable {

  /** What became of the chunk on the member. */
  enum Kind {
    /** Every item ran; {@link #payload} holds the results. */
    DONE,
    /** An item failed; {@link #failedAt} is its position, {@link #payload} the exception. */
    FAILED,
    /** The call had ended, or the chunk was held past the time its caller waits: not run. */
    CANCELLED,
    /** The member would not run the chunk; {@link #refusal} and {@link #message} say why. */
    REFUSED,
    /**
     * The chunk came without its call's task and the member does not hold it (its first chunk is
     * still on its way, or the member restarted or dropped the call): not run; send it again with
     * the task.
     */
    NEEDS_TASK,
    /** The caller's deadline, sent with the chunk, passed on the member: stopped, not answered. */
    EXPIRED
  }

  /** Why a member refused a chunk. */
  enum Refusal {
    NONE,
    /** The chunk was not signed with the member's shared secret. */
    BAD_SIGNATURE,
    /** The member's serialization filter refused a class or a limit was passed. */
    ALLOW_LIST,
    /** A class of the chunk is not on the member's class path. */
    CLASS_MISSING,
    /** The member has another version of the task's class than the caller. */
    STALE_TASK,
    /** The chunk could not be read for another reason. */
    UNREADABLE
  }

  private static final byte[] NONE = new byte[0];

  Kind kind = Kind.CANCELLED;
  Refusal refusal = Refusal.NONE;
  int failedAt = -1;

  /** Attempts that the chunk's per-item timeout interrupted on the member (for statistics). */
  int timeouts;

  /** Nanoseconds the member spent running the chunk's items: the caller sizes chunks with it. */
  long nanos;

  String message = "";
  byte[] payload = NONE;
  byte[] signature = NONE;

  /** For Hazelcast's deserialization. */
  ChunkResult() {}

  private ChunkResult(
      Kind kind, Refusal refusal, int failedAt, long nanos, String message, byte[] payload) {
    this.kind = kind;
    this.refusal = refusal;
    this.failedAt = failedAt;
    this.nanos = nanos;
    this.message = message;
    this.payload = payload;
  }

  static ChunkResult done(byte[] results, long nanos) {
    return new ChunkResult(Kind.DONE, Refusal.NONE, -1, nanos, "", results);
  }

  static ChunkResult failed(int failedAt, byte[] failure, long nanos) {
    return new ChunkResult(Kind.FAILED, Refusal.NONE, failedAt, nanos, "", failure);
  }

  /** Not run, or not run to its end: the call had ended here, or the chunk was stale. */
  static ChunkResult cancelled() {
    return new ChunkResult(Kind.CANCELLED, Refusal.NONE, -1, 0, "", NONE);
  }

  /**
   * Not run to its end, for the reason {@code why} (the caller's message says what the member did,
   * for example that the chunk ran past the chunk timeout).
   */
  static ChunkResult cancelled(String why) {
    return new ChunkResult(Kind.CANCELLED, Refusal.NONE, -1, 0, why, NONE);
  }

  static ChunkResult needsTask() {
    return new ChunkResult(Kind.NEEDS_TASK, Refusal.NONE, -1, 0, "", NONE);
  }

  static ChunkResult expired() {
    return new ChunkResult(Kind.EXPIRED, Refusal.NONE, -1, 0, "", NONE);
  }

  /** This result, counting {@code count} attempts its timeout interrupted. */
  ChunkResult withTimeouts(int count) {
    timeouts = count;
    return this;
  }

  static ChunkResult refused(Refusal refusal, String message) {
    return new ChunkResult(Kind.REFUSED, refusal, -1, 0, message, NONE);
  }

  /** Signs this result as the answer to the chunk at {@code first} of {@code call}. */
  ChunkResult signedBy(ChunkSigner signer, UUID call, long first, int size) {
    signature = signer.sign(signedContent(call, first, size));
    return this;
  }

  /** Every field but the signature, bound to the chunk it answers. */
  byte[] signedContent(UUID call, long first, int size) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + payload.length + message.length());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF("parmap-result-v2");
      out.writeLong(call.getMostSignificantBits());
      out.writeLong(call.getLeastSignificantBits());
      out.writeLong(first);
      out.writeInt(size);
      out.writeInt(kind.ordinal());
      out.writeInt(refusal.ordinal());
      out.writeInt(failedAt);
      out.writeInt(timeouts);
      out.writeLong(nanos);
      out.writeUTF(message);
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
    return WireTypes.CHUNK_RESULT;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(kind.ordinal());
    out.writeInt(refusal.ordinal());
    out.writeInt(failedAt);
    out.writeInt(timeouts);
    out.writeLong(nanos);
    out.writeString(message);
    out.writeByteArray(payload);
    out.writeByteArray(signature);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    kind = WireTypes.enumAt(Kind.values(), in.readInt());
    refusal = WireTypes.enumAt(Refusal.values(), in.readInt());
    failedAt = in.readInt();
    timeouts = in.readInt();
    nanos = in.readLong();
    String text = in.readString();
    message = text == null ? "" : text;
    payload = orNone(in.readByteArray());
    signature = orNone(in.readByteArray());
  }

  static byte[] orNone(byte @org.jspecify.annotations.Nullable [] bytes) {
    return bytes == null ? NONE : bytes;
  }
}
