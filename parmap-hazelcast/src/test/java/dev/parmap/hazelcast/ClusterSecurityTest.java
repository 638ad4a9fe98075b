package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may run and answer chunks, on a real cluster: three worker JVMs on 127.0.0.1, two with the
 * shared secret and one with another secret, and (in one test) a plain Hazelcast member of the same
 * cluster in the test JVM.
 */
class ClusterSecurityTest {

  private static final String SECRET = "the cluster's shared secret, 32 b";
  private static final String OTHER_SECRET = "another secret, of 16 bytes or more";

  private static LocalMembers members;

  /** Has the secret of members 0 and 1. */
  private static ClusterPool pool;

  @BeforeAll
  static void startCluster() throws Exception {
    members =
        LocalMembers.start(
            "security-test",
            3,
            List.of(),
            i -> Map.of(Worker.SECRET_VARIABLE, i == 2 ? OTHER_SECRET : SECRET));
    pool = ClusterPool.client(withSecret(SECRET));
    assertThat(pool.awaitMembers(3, Duration.ofSeconds(60))).as("3 members joined").isTrue();
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (pool != null) {
        pool.close();
      }
    } finally {
      if (members != null) {
        members.close();
      }
    }
  }

  private static ClusterConfig withSecret(String secret) {
    return members.clientConfig().toBuilder()
        .sharedSecret(secret.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private static List<Integer> numbers(int count) {
    return IntStream.range(0, count).boxed().toList();
  }

  @Test
  void aMemberWithAnotherSecretRunsNoChunkAndTheCallCompletesOnTheOthers() {
    List<long[]> results =
        pool.map(
            numbers(200),
            i -> {
              Thread.sleep(2);
              return new long[] {i, ProcessHandle.current().pid()};
            });

    assertThat(results).hasSize(200);
    for (int i = 0; i < 200; i++) {
      assertThat(results.get(i)[0]).as("result #%d", i).isEqualTo(i);
    }
    assertThat(results.stream().map(r -> r[1]).distinct())
        .as("only the members with the caller's secret ran items")
        .doesNotContain(members.pid(2))
        .containsAnyOf(members.pid(0), members.pid(1));
  }

  @Test
  void aClientWithoutTheSecretCannotHaveAnyItemRun(@TempDir Path dir) throws IOException {
    String directory = dir.toString();
    ClusterFailedException failure;
    try (ClusterPool stranger = ClusterPool.client(members.clientConfig())) {
      failure =
          catchThrowableOfType(
              ClusterFailedException.class,
              () ->
                  stranger.forEach(
                      numbers(20), i -> Files.writeString(Path.of(directory, "ran-" + i), "ran")));
    }

    assertThat(failure)
        .hasMessageContaining("refused the chunk")
        .hasMessageContaining("requires the cluster's shared secret");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no item ran anywhere").isEmpty();
    }
  }

  @Test
  void aPlainHazelcastMemberInTheClusterIsSentNoChunks() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Config plain = new Config();
    plain.setInstanceName("plain-member-" + port);
    plain.setClusterName(members.clusterName());
    plain.setProperty("hazelcast.phone.home.enabled", "false");
    plain.setProperty("hazelcast.socket.bind.any", "false");
    plain.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    plain.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    JoinConfig join = plain.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> addresses = new ArrayList<>(members.addresses());
    addresses.add("127.0.0.1:" + port);
    join.getTcpIpConfig().setEnabled(true).setMembers(addresses);

    HazelcastInstance stranger = Hazelcast.newHazelcastInstance(plain);
    try {
      assertThat(stranger.getCluster().getMembers()).as("it joined the workers").hasSize(4);
      assertThat(pool.memberCount()).as("it is not counted as a worker").isEqualTo(3);

      List<Integer> results = pool.map(numbers(300), i -> i + 1);

      assertThat(results).isEqualTo(IntStream.range(1, 301).boxed().toList());
    } finally {
      stranger.shutdown();
    }
  }
}
