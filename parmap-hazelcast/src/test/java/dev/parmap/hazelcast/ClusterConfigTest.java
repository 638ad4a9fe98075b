package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

  @Test
  void defaultsAreLoopbackAndTheDefaultPort() {
    ClusterConfig config = ClusterConfig.defaults();

    assertThat(config.clusterName()).isEqualTo("parmap");
    assertThat(config.members()).containsExactly("127.0.0.1:5701");
    assertThat(config.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(5701);
    assertThat(config.fixedChunkSize()).isEmpty();
    assertThat(config.allowedPrefixes()).contains("dev.parmap.", "java.util.");
  }

  @Test
  void withMethodsReturnANewValueAndLeaveTheOldOneAlone() {
    ClusterConfig defaults = ClusterConfig.defaults();
    ClusterConfig changed =
        defaults
            .withClusterName("c")
            .withMembers("10.0.0.1:5701", "10.0.0.2:5702")
            .withBindAddress("10.0.0.1")
            .withPort(5702)
            .withThreads(3)
            .withAllowedPackages("com.acme", "org.example.")
            .withChunkTimeout(Duration.ofSeconds(5))
            .withHeartbeatTimeout(Duration.ofSeconds(4))
            .withConnectTimeout(Duration.ofSeconds(6))
            .withFixedChunkSize(8);

    assertThat(changed.clusterName()).isEqualTo("c");
    assertThat(changed.members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5702");
    assertThat(changed.bindAddress()).isEqualTo("10.0.0.1");
    assertThat(changed.port()).isEqualTo(5702);
    assertThat(changed.threads()).isEqualTo(3);
    assertThat(changed.allowedPackages()).containsExactly("com.acme.", "org.example.");
    assertThat(changed.chunkTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(changed.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(changed.connectTimeout()).isEqualTo(Duration.ofSeconds(6));
    assertThat(changed.fixedChunkSize()).hasValue(8);
    assertThat(changed.toString()).contains("clusterName=c", "chunkSize=8");
    assertThat(defaults.clusterName()).isEqualTo("parmap");
  }

  @Test
  void aPortRangeIsRefused() {
    assertThatThrownBy(() -> ClusterConfig.defaults().withMembers("127.0.0.1:5701-5703"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port range");
  }

  @Test
  void anAddressWithoutAPortIsRefused() {
    assertThatThrownBy(() -> ClusterConfig.defaults().withMembers("127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> ClusterConfig.defaults().withMembers(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterConfig.defaults().withMembers("h:70000"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badValuesAreRefused() {
    ClusterConfig config = ClusterConfig.defaults();
    assertThatThrownBy(() -> config.withClusterName(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.withBindAddress("127.0.0.1:5701"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.withThreads(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.withAllowedPackages("not a package"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.withChunkTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.withHeartbeatTimeout(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.withFixedChunkSize(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void workerOptionsMapOntoTheConfig() {
    Worker.Options options =
        Worker.parse(
            new String[] {
              "--cluster-name", "w",
              "--bind", "127.0.0.1",
              "--port", "5801",
              "--members", "127.0.0.1:5801,127.0.0.1:5802",
              "--members", "127.0.0.1:5803",
              "--threads", "2",
              "--allow", "com.acme,org.example",
              "--heartbeat-timeout", "5",
              "--parent-pid", "42"
            });

    ClusterConfig config = options.config();
    assertThat(options.parentPid()).hasValue(42);
    assertThat(config.clusterName()).isEqualTo("w");
    assertThat(config.port()).isEqualTo(5801);
    assertThat(config.members())
        .containsExactly("127.0.0.1:5801", "127.0.0.1:5802", "127.0.0.1:5803");
    assertThat(config.threads()).isEqualTo(2);
    assertThat(config.allowedPackages()).containsExactly("com.acme.", "org.example.");
    assertThat(config.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aWorkerAloneListsItself() {
    assertThat(Worker.parse(new String[] {"--port", "5901"}).config().members())
        .containsExactly("127.0.0.1:5901");
  }

  @Test
  void unknownWorkerOptionsAreRefused() {
    assertThatThrownBy(() -> Worker.parse(new String[] {"--bogus", "1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--bogus");
    assertThatThrownBy(() -> Worker.parse(new String[] {"--port"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Worker.parse(new String[] {"--port", "x"}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
