package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** An embedded member in the test JVM, alone in its cluster: it runs the chunks itself. */
class EmbeddedPoolTest {

  @Test
  void anEmbeddedMemberAloneRunsTheCallInThisJvm() throws IOException {
    int port = freePort();
    ClusterConfig config =
        ClusterConfig.builder()
            .clusterName("embedded-test")
            .port(port)
            .members("127.0.0.1:" + port)
            .threads(2)
            .build();
    List<Integer> items = IntStream.range(0, 200).boxed().toList();
    long self = ProcessHandle.current().pid();

    try (ClusterPool pool = ClusterPool.embedded(config)) {
      assertThat(pool.memberCount()).isEqualTo(1);
      assertThat(pool.map(items, i -> i + 1)).isEqualTo(IntStream.range(1, 201).boxed().toList());
      try (Stream<Long> pids = pool.streamUnordered(items, i -> ProcessHandle.current().pid())) {
        assertThat(pids.distinct().toList()).containsExactly(self);
      }
    }
  }

  @Test
  void anEmbeddedMemberThatCannotBindFailsClearly() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      ClusterConfig config =
          ClusterConfig.builder()
              .clusterName("embedded-taken")
              .port(port)
              .members("127.0.0.1:" + port)
              .build();

      assertThatThrownBy(() -> ClusterPool.embedded(config))
          .isInstanceOf(ClusterFailedException.class)
          .hasMessageContaining("could not start a member of cluster 'embedded-taken'")
          .hasMessageContaining("127.0.0.1:" + port);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
