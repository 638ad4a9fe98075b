package dev.parmap.hazelcast;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * The messages parmap sends between callers and members, as Hazelcast's identified data
 * serializables: the envelope is written field by field (no Java serialization, no class name on
 * the wire), and the items, results and task inside it go through Hazelcast's serializers (native
 * for strings and boxed numbers; Java serialization, under the allow-list, for the rest). Every
 * member and client made by {@link HazelcastSetup} registers this factory.
 */
final class WireTypes implements DataSerializableFactory {

  /** parmap's factory id: "pm" in ASCII, away from Hazelcast's own (negative) ids. */
  static final int FACTORY_ID = 0x706d;

  static final int CHUNK_TASK = 1;
  static final int CHUNK_RESULT = 2;
  static final int CANCEL_CALL = 3;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case CHUNK_TASK -> new ChunkTask();
      case CHUNK_RESULT -> new ChunkResult();
      case CANCEL_CALL -> new CancelCall();
      default -> throw new IllegalArgumentException("unknown parmap wire type " + typeId);
    };
  }
}
