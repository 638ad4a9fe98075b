package dev.parmap.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.HeapData;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How items and results of the user's registered types travel ({@link
 * ClusterConfig.Builder#compactSerializers}, {@link
 * ClusterConfig.Builder#dataSerializableFactory}): a value of such a type is written with the
 * Hazelcast instance's own serialization service, schema included ({@code toDataWithSchema}: the
 * reader needs no schema from the cluster), and travels in the chunk's one Java-serialized payload
 * as a {@link Value} of those bytes; the reader turns it back with its own instance's service,
 * which must have the same types registered. Every other value is Java-serialized as before. Only
 * registered types take this path: Hazelcast would otherwise serialize any class reflectively (its
 * zero-config Compact), past the allow-list.
 */
final class UserTypes {

  /** No registered type: every value is Java-serialized. */
  static final UserTypes NONE = new UserTypes(Set.of(), Set.of());

  private final Set<Class<?>> compactClasses;
  private final Set<Integer> factoryIds;

  private UserTypes(Set<Class<?>> compactClasses, Set<Integer> factoryIds) {
    this.compactClasses = Set.copyOf(compactClasses);
    this.factoryIds = Set.copyOf(factoryIds);
  }

  static UserTypes of(ClusterConfig config) {
    Set<Class<?>> classes = new HashSet<>();
    for (Class<?> serializer : config.compactSerializers()) {
      classes.add(compactSerializer(serializer).getCompactClass());
    }
    return new UserTypes(classes, config.dataSerializableFactories().keySet());
  }

  /** A new serializer of class {@code type}. */
  static CompactSerializer<?> compactSerializer(Class<?> type) {
    return make(type, CompactSerializer.class);
  }

  /** A new factory of class {@code type}. */
  static DataSerializableFactory factory(Class<?> type) {
    return make(type, DataSerializableFactory.class);
  }

  private static <T> T make(Class<?> type, Class<T> kind) {
    if (!kind.isAssignableFrom(type)) {
      throw new IllegalArgumentException(type.getName() + " is not a " + kind.getName());
    }
    try {
      return kind.cast(type.getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      throw new IllegalArgumentException(
          type.getName() + " cannot be made with a public no-argument constructor: " + e, e);
    }
  }

  /** Whether {@code value} is of a registered type (and not Java-serializable anyway). */
  boolean isRegistered(@Nullable Object value) {
    if (value == null || value instanceof Serializable) {
      return false;
    }
    return compactClasses.contains(value.getClass())
        || (value instanceof IdentifiedDataSerializable ids
            && factoryIds.contains(ids.getFactoryId()));
  }

  /** Replaces, in place, each value of a registered type by its {@link Value}. */
  void wrap(HazelcastInstance instance, @Nullable Object[] values) {
    SerializationService service = null;
    for (int i = 0; i < values.length; i++) {
      if (isRegistered(values[i])) {
        if (service == null) {
          service = serialization(instance);
        }
        Data data = service.toDataWithSchema(values[i]);
        values[i] = new Value(data.toByteArray());
      }
    }
  }

  /** Replaces, in place, each {@link Value} by the value it holds, read with {@code instance}. */
  static void unwrap(HazelcastInstance instance, @Nullable Object[] values) {
    SerializationService service = null;
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof Value value) {
        if (service == null) {
          service = serialization(instance);
        }
        values[i] = service.toObject(new HeapData(value.data()));
      }
    }
  }

  private static SerializationService serialization(HazelcastInstance instance) {
    if (instance instanceof SerializationServiceSupport support) {
      return support.getSerializationService();
    }
    throw new IllegalStateException("no serialization service in " + instance.getClass());
  }

  /** A value of a registered type, as Hazelcast serialized it (schema included). */
  static final class Value implements Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] data;

    Value(byte[] data) {
      this.data = data;
    }

    byte[] data() {
      return data;
    }
  }
}
