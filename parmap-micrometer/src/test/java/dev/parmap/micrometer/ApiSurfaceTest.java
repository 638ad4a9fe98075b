package dev.parmap.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.testing.ModuleSurface;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Pins the public face of the module and what it depends on. */
class ApiSurfaceTest {

  @Test
  void theOnlyPublicTypeIsParmapMetrics() throws Exception {
    assertThat(ModuleSurface.publicTypesOf(ParmapMetrics.class))
        .containsExactly(ParmapMetrics.class.getName());
    assertThat(Modifier.isFinal(ParmapMetrics.class.getModifiers())).isTrue();
    assertThat(ModuleSurface.publicMethodsOf(ParmapMetrics.class))
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
                "TIMEOUTS", "parmap.timeouts",
                "RATE_LIMIT_WAITS", "parmap.rate.limit.waits",
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
    ModuleDescriptor module = ModuleSurface.descriptorOf(ParmapMetrics.class);

    assertThat(module.name()).isEqualTo("dev.parmap.micrometer");
    assertThat(module.exports())
        .singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("dev.parmap.micrometer"));
    Map<String, Set<Requires.Modifier>> requires = ModuleSurface.requiresOf(module);
    assertThat(requires)
        .containsOnlyKeys("java.base", "dev.parmap", "micrometer.core", "org.jspecify");
    assertThat(requires.get("dev.parmap")).containsExactly(Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("micrometer.core")).containsExactly(Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("org.jspecify")).containsExactly(Requires.Modifier.STATIC);
  }
}
