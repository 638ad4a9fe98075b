package dev.parmap.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SerializationConfig;
import java.util.concurrent.atomic.AtomicInteger;

/** Turns a {@link ClusterConfig} into Hazelcast's member and client configurations. */
final class HazelcastSetup {

  /** The executor that runs chunks on every member. */
  static final String CHUNK_EXECUTOR = "parmap-chunks";

  /** The executor that runs {@link CancelCall}s, apart from the chunks they cancel. */
  static final String CANCEL_EXECUTOR = "parmap-cancel";

  /**
   * Member attribute: how many chunks the member runs at once. Only members that carry it are sent
   * chunks ({@link MemberSelection}).
   */
  static final String THREADS_ATTRIBUTE = "parmap.threads";

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private HazelcastSetup() {}

  static Config member(ClusterConfig cluster, String role) {
    Config config = new Config();
    // Hazelcast names a member's threads "hz.NAME...", a client's "NAME...": neither may start with
    // "parmap-", the prefix of the threads a parmap call starts (these belong to the pool).
    config.setInstanceName("parmap-" + role + "-" + INSTANCES.incrementAndGet());
    config.setClusterName(cluster.clusterName());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // Failure detection: a heartbeat every second; a member silent for heartbeatTimeout is
    // removed, and the chunks it held fail over (Hazelcast's default waits 60 s).
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty(
        "hazelcast.max.no.heartbeat.seconds",
        String.valueOf(Math.max(2, cluster.heartbeatTimeout().toSeconds())));
    // Members started at the same moment may first form separate clusters: merge them soon.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // Bind to the given address only, never to every interface.
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.local.localAddress", cluster.bindAddress());

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());

    config.getSerializationConfig().setJavaSerializationFilterConfig(filter(cluster));
    config
        .getSerializationConfig()
        .addDataSerializableFactory(WireTypes.FACTORY_ID, new WireTypes());
    userTypes(config.getSerializationConfig(), cluster);
    config.addExecutorConfig(
        new ExecutorConfig(CHUNK_EXECUTOR)
            .setPoolSize(cluster.threads())
            .setStatisticsEnabled(false));
    config.addExecutorConfig(
        new ExecutorConfig(CANCEL_EXECUTOR).setPoolSize(2).setStatisticsEnabled(false));
    config
        .getMemberAttributeConfig()
        .setAttribute(THREADS_ATTRIBUTE, String.valueOf(cluster.threads()));
    // How this member checks and reads chunks: its secret and its allow-list with limits.
    config
        .getUserContext()
        .put(
            MemberCalls.KEY,
            new MemberCalls(
                ChunkSigner.of(cluster), WireSerialization.of(cluster), UserTypes.of(cluster)));
    return config;
  }

  static ClientConfig client(ClusterConfig cluster) {
    ClientConfig config = new ClientConfig();
    config.setInstanceName("hz.client.parmap-" + INSTANCES.incrementAndGet());
    config.setClusterName(cluster.clusterName());
    config.getNetworkConfig().setAddresses(cluster.members());
    // A member that stops answering (hung, stopped) is cut off after heartbeatTimeout: its
    // pending chunks fail and are re-run elsewhere (Hazelcast's default waits 60 s).
    config.setProperty("hazelcast.client.heartbeat.interval", "1000");
    config.setProperty(
        "hazelcast.client.heartbeat.timeout",
        String.valueOf(Math.max(2_000, cluster.heartbeatTimeout().toMillis())));
    config
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(cluster.connectTimeout().toMillis());
    config.getSerializationConfig().setJavaSerializationFilterConfig(filter(cluster));
    config
        .getSerializationConfig()
        .addDataSerializableFactory(WireTypes.FACTORY_ID, new WireTypes());
    userTypes(config.getSerializationConfig(), cluster);
    return config;
  }

  /** The user's Compact serializers and data-serializable factories ({@link UserTypes}). */
  private static void userTypes(SerializationConfig serialization, ClusterConfig cluster) {
    for (Class<?> serializer : cluster.compactSerializers()) {
      serialization
          .getCompactSerializationConfig()
          .addSerializer(UserTypes.compactSerializer(serializer));
    }
    cluster
        .dataSerializableFactories()
        .forEach(
            (id, factory) ->
                serialization.addDataSerializableFactory(id, UserTypes.factory(factory)));
  }

  private static JavaSerializationFilterConfig filter(ClusterConfig cluster) {
    ClassFilter allowed = new ClassFilter();
    for (String prefix : cluster.allowedPrefixes()) {
      allowed.addPrefixes(prefix);
    }
    // Defaults off: Hazelcast's default allow-list is every class whose name starts with "java".
    return new JavaSerializationFilterConfig().setDefaultsDisabled(true).setWhitelist(allowed);
  }
}
