package dev.parmap.hazelcast;

import dev.parmap.ResourceTask;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ResourceTask} that can be sent to the members of a cluster, for {@link
 * ClusterPool#mapWith} and {@link ClusterResource#task}. The same rules as for {@link
 * SerializableTask} apply: what it captures must be serializable, and it may run more than once for
 * an item, so it should be idempotent.
 *
 * @param <S> the resource
 * @param <T> the items
 * @param <R> the results
 * @since 0.1
 */
@FunctionalInterface
public interface SerializableResourceTask<S, T extends @Nullable Object, R extends @Nullable Object>
    extends ResourceTask<S, T, R>, Serializable {}
