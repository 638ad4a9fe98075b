package dev.parmap.hazelcast;

import dev.parmap.Task;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Task} that can be sent to the members of a cluster: a lambda or method reference whose
 * target type is this interface compiles into a serializable object.
 *
 * <pre>{@code
 * List<Integer> lengths = pool.map(urls, url -> fetch(url).length());
 * }</pre>
 *
 * <p>Everything the task captures is serialized with it, once per call, and sent once to each
 * member that runs chunks of the call (with its first chunks there); it must be {@link
 * Serializable} too: capture values (strings, numbers, small records), not connections, clients or
 * the {@code this} of a class that is not serializable. The class that declares the lambda must be
 * on the members' class path, in an allowed package ({@link
 * ClusterConfig.Builder#allowedPackages}). {@link ClusterPool} checks at the call that the task
 * serializes and throws {@link IllegalArgumentException} if it does not.
 *
 * <p>A chunk may run more than once (on another member after a member failed or timed out): tasks
 * should be idempotent. Each result still appears once in the call's output.
 *
 * @param <T> the type of the items
 * @param <R> the type of the results
 * @since 0.1
 */
@FunctionalInterface
public interface SerializableTask<T extends @Nullable Object, R extends @Nullable Object>
    extends Task<T, R>, Serializable {}
