package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void theBuilderSetsEveryComponentAndLeavesTheConfigItStartedFromAlone() {
    ClusterConfig defaults = ClusterConfig.defaults();
    ClusterConfig changed =
        defaults.toBuilder()
            .clusterName("c")
            .members("10.0.0.1:5701", "10.0.0.2:5702")
            .bindAddress("10.0.0.1")
            .port(5702)
            .threads(3)
            .allowedPackages("com.acme", "org.example.")
            .chunkTimeout(Duration.ofSeconds(5))
            .heartbeatTimeout(Duration.ofSeconds(4))
            .connectTimeout(Duration.ofSeconds(6))
            .fixedChunkSize(8)
            .build();

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
    assertThat(defaults.allowedPackages()).isEmpty();
  }

  @Test
  void allowedPackagesAddUpAndAFailedCallAddsNone() {
    ClusterConfig.Builder builder = ClusterConfig.builder().allowedPackages("com.acme");
    assertThatThrownBy(() -> builder.allowedPackages("org.example", "not a package"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(builder.allowedPackages("org.example").build().allowedPackages())
        .containsExactly("com.acme.", "org.example.");
  }

  @Test
  void configsAreValuesComparedOverEveryComponent() {
    ClusterConfig config =
        ClusterConfig.builder()
            .clusterName("c")
            .members("10.0.0.1:5701")
            .allowedPackages("com.acme")
            .threads(2)
            .build();
    ClusterConfig same = config.toBuilder().build();
    assertThat(same).isEqualTo(config).hasSameHashCodeAs(config).isNotSameAs(config);
    assertThat(ClusterConfig.builder().build()).isEqualTo(ClusterConfig.defaults());
    assertThat(
            List.of(
                config.toBuilder().clusterName("d").build(),
                config.toBuilder().members("10.0.0.2:5701").build(),
                config.toBuilder().members("10.0.0.1:5701", "10.0.0.2:5701").build(),
                config.toBuilder().bindAddress("10.0.0.1").build(),
                config.toBuilder().port(5702).build(),
                config.toBuilder().threads(3).build(),
                config.toBuilder().allowedPackages("org.example").build(),
                config.toBuilder().chunkTimeout(Duration.ofMinutes(1)).build(),
                config.toBuilder().queueTimeout(Duration.ofMinutes(1)).build(),
                config.toBuilder().coolDown(Duration.ofMinutes(1)).build(),
                config.toBuilder().heartbeatTimeout(Duration.ofSeconds(3)).build(),
                config.toBuilder().connectTimeout(Duration.ofSeconds(3)).build(),
                config.toBuilder().fixedChunkSize(4).build(),
                config.toBuilder().maxResends(1).build(),
                config.toBuilder().sharedSecret(new byte[16]).build()))
        .allSatisfy(other -> assertThat(other).isNotEqualTo(config));
    assertThat(config)
        .hasToString(
            "ClusterConfig[clusterName=c, members=[10.0.0.1:5701], bindAddress=127.0.0.1,"
                + " port=5701, threads=2, allowedPackages=[com.acme.], chunkTimeout=PT10M,"
                + " queueTimeout=PT1H, coolDown=PT30S, heartbeatTimeout=PT10S, connectTimeout=PT30S, chunkSize=adaptive, maxResends=3,"
                + " sharedSecret=none]");
  }

  @Test
  void aPortRangeIsRefused() {
    assertThatThrownBy(() -> ClusterConfig.builder().members("127.0.0.1:5701-5703"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port range");
  }

  @Test
  void anAddressWithoutAPortIsRefused() {
    assertThatThrownBy(() -> ClusterConfig.builder().members("127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> ClusterConfig.builder().members(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterConfig.builder().members("h:70000"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badValuesAreRefused() {
    ClusterConfig.Builder config = ClusterConfig.builder();
    assertThatThrownBy(() -> config.clusterName(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.bindAddress("127.0.0.1:5701"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.threads(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.allowedPackages("not a package"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.chunkTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.heartbeatTimeout(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.fixedChunkSize(0)).isInstanceOf(IllegalArgumentException.class);
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

  @Test
  void allowListPackagesOfOneSegmentAreRefusedAsTooBroad() {
    for (String broad : List.of("com", "org.", "java")) {
      assertThatThrownBy(() -> ClusterConfig.builder().allowedPackages(broad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("too broad")
          .hasMessageContaining("at least two segments");
    }
    assertThat(ClusterConfig.builder().allowedPackages("com.acme").build().allowedPackages())
        .containsExactly("com.acme.");
  }

  @Test
  void bindingToANonLoopbackAddressNeedsAClusterNameOfYourOwn() {
    assertThatThrownBy(() -> ClusterConfig.builder().bindAddress("10.0.0.5").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10.0.0.5")
        .hasMessageContaining("cluster name of your own");
    assertThatThrownBy(() -> Worker.parse(new String[] {"--bind", "10.0.0.5"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--cluster-name");
    assertThat(
            ClusterConfig.builder()
                .bindAddress("10.0.0.5")
                .clusterName("crawler")
                .build()
                .bindAddress())
        .isEqualTo("10.0.0.5");
    assertThat(ClusterConfig.builder().bindAddress("127.0.0.2").build().clusterName())
        .isEqualTo("parmap");
  }

  @Test
  void theWildcardAddressIsRefusedRatherThanAnnounced() {
    assertThatThrownBy(() -> ClusterConfig.builder().bindAddress("0.0.0.0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("announce 0.0.0.0");
    assertThatThrownBy(
            () -> Worker.parse(new String[] {"--bind", "0.0.0.0", "--cluster-name", "c"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("private address");
  }

  @Test
  void theQueueTimeoutAndTheCoolDownHaveDefaultsAndAreChecked() {
    assertThat(ClusterConfig.defaults().queueTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(ClusterConfig.defaults().coolDown()).isEqualTo(Duration.ofSeconds(30));
    ClusterConfig changed =
        ClusterConfig.builder().queueTimeout(Duration.ofMinutes(2)).coolDown(Duration.ZERO).build();
    assertThat(changed.queueTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(changed.coolDown()).isZero();
    assertThat(changed.toBuilder().build()).isEqualTo(changed);
    assertThatThrownBy(() -> ClusterConfig.builder().queueTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterConfig.builder().coolDown(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theReSendCapDefaultsToThreeAndIsChecked() {
    assertThat(ClusterConfig.defaults().maxResends()).isEqualTo(3);
    assertThat(ClusterConfig.builder().maxResends(0).build().maxResends()).isZero();
    assertThatThrownBy(() -> ClusterConfig.builder().maxResends(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterConfig.builder().threads(ClusterConfig.MAX_THREADS + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSharedSecretIsCopiedCheckedAndNeverShown() {
    byte[] secret = "sixteen bytes at least".getBytes(StandardCharsets.UTF_8);
    ClusterConfig config = ClusterConfig.builder().sharedSecret(secret).build();
    secret[0] = 'X';

    assertThat(config.hasSharedSecret()).isTrue();
    assertThat(new String(config.sharedSecret(), StandardCharsets.UTF_8))
        .isEqualTo("sixteen bytes at least");
    assertThat(config.toString()).contains("sharedSecret=set").doesNotContain("sixteen");
    assertThat(config.toBuilder().build()).isEqualTo(config);
    assertThat(ClusterConfig.defaults().hasSharedSecret()).isFalse();
    assertThatThrownBy(() -> ClusterConfig.builder().sharedSecret(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16 bytes");
  }

  @Test
  void aWorkerReadsItsSecretFromAFileOrTheEnvironmentNeverFromTheCommandLine(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("secret");
    Files.writeString(file, "from the file, 16+ bytes\n");

    ClusterConfig fromFile =
        Worker.parse(new String[] {"--secret-file", file.toString()}, Map.of()).config();
    ClusterConfig fromEnvironment =
        Worker.parse(new String[0], Map.of(Worker.SECRET_VARIABLE, "from the environment, 16+"))
            .config();

    assertThat(new String(fromFile.sharedSecret(), StandardCharsets.UTF_8))
        .isEqualTo("from the file, 16+ bytes");
    assertThat(new String(fromEnvironment.sharedSecret(), StandardCharsets.UTF_8))
        .isEqualTo("from the environment, 16+");
    assertThat(Worker.parse(new String[0], Map.of()).config().hasSharedSecret()).isFalse();
    assertThatThrownBy(() -> Worker.parse(new String[] {"--secret", "s"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never given on the command line")
        .hasMessageContaining("--secret-file");
    assertThatThrownBy(
            () -> Worker.parse(new String[] {"--secret-file", dir.resolve("none").toString()}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be read");
  }

  @Test
  void aWorkerIsQuietUnlessVerbose() {
    assertThat(Worker.parse(new String[0], Map.of()).verbose()).isFalse();
    assertThat(Worker.parse(new String[] {"--verbose", "--port", "5901"}, Map.of()).verbose())
        .isTrue();
  }

  @Test
  void aWorkerNamesTheClassPathEntriesThatDoNotExist(@TempDir Path dir) {
    String existing = dir.toString();
    String missing = dir.resolve("examples/target/classes").toString();

    assertThat(Worker.missingClassPathEntries(existing + File.pathSeparator + missing))
        .containsExactly(missing);
  }
}
