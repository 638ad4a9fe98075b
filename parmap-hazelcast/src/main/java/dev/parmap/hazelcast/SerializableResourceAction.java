package dev.parmap.hazelcast;

import dev.parmap.ResourceAction;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ResourceAction} that can be sent to the members of a cluster, for {@link
 * ClusterPool#forEachWith} and {@link ClusterResource#action}. The same rules as for {@link
 * SerializableTask} apply: what it captures must be serializable, and it may run more than once for
 * an item, so it should be idempotent.
 *
 * @param <S> the resource
 * @param <T> the items
 * @since 0.1
 */
@FunctionalInterface
public interface SerializableResourceAction<S, T extends @Nullable Object>
    extends ResourceAction<S, T>, Serializable {}
