package dev.parmap.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Pins the public face of the module and what it depends on. */
class ApiSurfaceTest {

  private static Path classes() throws Exception {
    return Path.of(ParmapMetrics.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theOnlyPublicTypeIsParmapMetrics() throws Exception {
    try (Stream<Path> files = Files.list(classes().resolve("dev/parmap/micrometer"))) {
      assertThat(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(f -> f.endsWith(".class") && !f.equals("package-info.class")))
          .allSatisfy(
              f -> {
                Class<?> type =
                    Class.forName(
                        "dev.parmap.micrometer." + f.substring(0, f.length() - 6),
                        false,
                        ParmapMetrics.class.getClassLoader());
                assertThat(Modifier.isPublic(type.getModifiers()))
                    .as(type.getName())
                    .isEqualTo(type == ParmapMetrics.class);
              });
    }
    assertThat(Modifier.isFinal(ParmapMetrics.class.getModifiers())).isTrue();
    assertThat(
            Arrays.stream(ParmapMetrics.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(m -> m.getName())
                .sorted())
        .containsExactly("addTo", "capture", "on", "on", "onStart", "toString");
    assertThat(ParmapMetrics.class.getConstructors()).isEmpty();
  }

  @Test
  void theMeterNamesArePublicConstants() throws Exception {
    Map<String, Object> constants =
        Arrays.stream(ParmapMetrics.class.getDeclaredFields())
            .filter(f -> Modifier.isPublic(f.getModifiers()))
            .collect(Collectors.toMap(Field::getName, ApiSurfaceTest::value));

    assertThat(constants)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "CALLS", "parmap.calls",
                "CHUNKS", "parmap.chunks",
                "ITEMS", "parmap.items",
                "RETRIES", "parmap.retries",
                "IN_FLIGHT", "parmap.items.in.flight"));
  }

  private static Object value(Field field) {
    try {
      return field.get(null);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theModuleExportsItsPackageAndReadsParmapMicrometerAndTheJdk() throws Exception {
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }

    assertThat(module.name()).isEqualTo("dev.parmap.micrometer");
    assertThat(module.exports())
        .singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("dev.parmap.micrometer"));
    Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires =
        module.requires().stream()
            .collect(
                Collectors.toMap(
                    ModuleDescriptor.Requires::name, ModuleDescriptor.Requires::modifiers));
    assertThat(requires)
        .containsOnlyKeys("java.base", "dev.parmap", "micrometer.core", "org.jspecify");
    assertThat(requires.get("dev.parmap"))
        .containsExactly(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("micrometer.core"))
        .containsExactly(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("org.jspecify"))
        .containsExactly(ModuleDescriptor.Requires.Modifier.STATIC);
  }
}
