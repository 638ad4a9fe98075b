package dev.parmap.hazelcast;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A factory of per-worker resources that can be sent to the members of a cluster, for {@link
 * ClusterPool#mapWith} and {@link ClusterResource}: a lambda or constructor reference whose target
 * type is this interface compiles into a serializable object. The same rules as for {@link
 * SerializableTask} apply to what it captures.
 *
 * @param <S> the resource
 * @since 0.1
 */
@FunctionalInterface
public interface SerializableFactory<S> extends Callable<S>, Serializable {}
