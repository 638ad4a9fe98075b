package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.ParallelPool;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pins the public face of parmap-hazelcast: a handful of types, everything else package-private.
 */
class ApiSurfaceTest {

  @Test
  void thePublicTypesAreExactlyThese() throws IOException, URISyntaxException {
    Path classes =
        Path.of(ClusterPool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<String> publicTypes = new TreeSet<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name =
            classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (name.contains("$") || name.endsWith("package-info")) {
          continue;
        }
        try {
          if (Modifier.isPublic(Class.forName(name).getModifiers())) {
            publicTypes.add(name);
          }
        } catch (ClassNotFoundException e) {
          throw new AssertionError(e);
        }
      }
    }

    assertThat(publicTypes)
        .containsExactly(
            "dev.parmap.hazelcast.ClusterConfig",
            "dev.parmap.hazelcast.ClusterFailedException",
            "dev.parmap.hazelcast.ClusterPool",
            "dev.parmap.hazelcast.ClusterResource",
            "dev.parmap.hazelcast.ItemNotSerializableException",
            "dev.parmap.hazelcast.SerializableAction",
            "dev.parmap.hazelcast.SerializableFactory",
            "dev.parmap.hazelcast.SerializableResourceAction",
            "dev.parmap.hazelcast.SerializableResourceTask",
            "dev.parmap.hazelcast.SerializableTask",
            "dev.parmap.hazelcast.Worker");
  }

  @Test
  void clusterPoolHasTheCallsOfPoolAndLittleElse() {
    assertThat(ParallelPool.class).isAssignableFrom(ClusterPool.class);
    Set<String> methods =
        Arrays.stream(ClusterPool.class.getDeclaredMethods())
            .filter(m -> Modifier.isPublic(m.getModifiers()))
            .map(Method::getName)
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(methods)
        .containsExactly(
            "awaitMembers",
            "client",
            "close",
            "embedded",
            "forEach",
            "forEachWith",
            "map",
            "mapAsync",
            "mapOutcomes",
            "mapWith",
            "memberCount",
            "stream",
            "streamOutcomes",
            "streamOutcomesUnordered",
            "streamUnordered",
            "toString",
            "with");
  }

  @Test
  void clusterConfigIsAValueWithABuilder() {
    assertThat(publicMethodNames(ClusterConfig.class))
        .containsExactly(
            "allowedPackages",
            "bindAddress",
            "builder",
            "chunkTimeout",
            "clusterName",
            "compactSerializers",
            "connectTimeout",
            "coolDown",
            "dataSerializableFactories",
            "defaults",
            "equals",
            "fixedChunkSize",
            "hasSharedSecret",
            "hashCode",
            "heartbeatTimeout",
            "maxResends",
            "members",
            "port",
            "queueTimeout",
            "threads",
            "toBuilder",
            "toString");
    assertThat(publicMethodNames(ClusterConfig.Builder.class))
        .containsExactly(
            "allowedPackages",
            "bindAddress",
            "build",
            "chunkTimeout",
            "clusterName",
            "compactSerializers",
            "connectTimeout",
            "coolDown",
            "dataSerializableFactory",
            "fixedChunkSize",
            "heartbeatTimeout",
            "maxResends",
            "members",
            "port",
            "queueTimeout",
            "sharedSecret",
            "threads");
  }

  private static Set<String> publicMethodNames(Class<?> type) {
    return java.util.Arrays.stream(type.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()))
        .map(Method::getName)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void hazelcastTypesDoNotAppearInThePublicSignatures() {
    for (Class<?> type :
        new Class<?>[] {
          ClusterPool.class, ClusterConfig.class, ClusterConfig.Builder.class, Worker.class
        }) {
      for (Method method : type.getDeclaredMethods()) {
        if (!Modifier.isPublic(method.getModifiers())) {
          continue;
        }
        assertThat(method.getReturnType().getName()).doesNotStartWith("com.hazelcast");
        for (Class<?> parameter : method.getParameterTypes()) {
          assertThat(parameter.getName()).as(method.toString()).doesNotStartWith("com.hazelcast");
        }
      }
    }
  }
}
