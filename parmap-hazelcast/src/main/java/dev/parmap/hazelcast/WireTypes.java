package dev.parmap.hazelcast;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;

/**
 * The messages parmap sends between callers and members, as Hazelcast's identified data
 * serializables: the envelope is written field by field (no Java serialization, no class name on
 * the wire), and the task, items and results inside it travel as one Java-serialized payload per
 * message, read under parmap's own filter ({@link WireSerialization}) after the signature, if any,
 * was checked ({@link ChunkSigner}). Every member and client made by {@link HazelcastSetup}
 * registers this factory.
 */
final class WireTypes implements DataSerializableFactory {

  /** parmap's factory id: "pm" in ASCII, away from Hazelcast's own (negative) ids. */
  static final int FACTORY_ID = 0x706d;

  static final int CHUNK_TASK = 1;
  static final int CHUNK_RESULT = 2;
  static final int CANCEL_CALL = 3;
  static final int CHUNK_PROBE = 4;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case CHUNK_TASK -> new ChunkTask();
      case CHUNK_RESULT -> new ChunkResult();
      case CANCEL_CALL -> new CancelCall();
      case CHUNK_PROBE -> new ChunkProbe();
      default -> throw new IllegalArgumentException("unknown parmap wire type " + typeId);
    };
  }

  /** The constant at {@code ordinal}, read from the wire: a bad value is an IOException. */
  static <E extends Enum<E>> E enumAt(E[] values, int ordinal) throws IOException {
    if (ordinal < 0 || ordinal >= values.length) {
      throw new IOException("not a parmap message: value " + ordinal + " out of range");
    }
    return values[ordinal];
  }
}
