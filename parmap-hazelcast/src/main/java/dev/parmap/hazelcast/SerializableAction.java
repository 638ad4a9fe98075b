package dev.parmap.hazelcast;

import dev.parmap.Action;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Action} that can be sent to the members of a cluster, for {@link ClusterPool#forEach}.
 * The same rules as for {@link SerializableTask} apply: what it captures must be serializable, and
 * it may run more than once for an item, so it should be idempotent.
 *
 * @param <T> the type of the items
 * @since 0.1
 */
@FunctionalInterface
public interface SerializableAction<T extends @Nullable Object> extends Action<T>, Serializable {}
