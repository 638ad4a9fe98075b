/**
 * parmap on a Hazelcast cluster: the same calls as {@link dev.parmap.Pool} (the {@link
 * dev.parmap.ParallelPool} interface), run by parmap-core's engine with the items sent in chunks to
 * the members of a cluster and re-run elsewhere when a member dies or hangs.
 *
 * <p>The entry point is {@link dev.parmap.hazelcast.ClusterPool}; {@link
 * dev.parmap.hazelcast.ClusterConfig} says how to reach the cluster; {@link
 * dev.parmap.hazelcast.Worker} starts a member. Tasks are {@link
 * dev.parmap.hazelcast.SerializableTask}s so that a lambda can be sent.
 */
@NullMarked
package dev.parmap.hazelcast;

import org.jspecify.annotations.NullMarked;
