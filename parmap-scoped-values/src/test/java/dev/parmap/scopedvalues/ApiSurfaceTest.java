package dev.parmap.scopedvalues;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
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
    return Path.of(
        ScopedValuePropagator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theOnlyPublicTypeIsScopedValuePropagator() throws Exception {
    try (Stream<Path> files = Files.list(classes().resolve("dev/parmap/scopedvalues"))) {
      assertThat(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(f -> f.endsWith(".class") && !f.equals("package-info.class")))
          .allSatisfy(
              f -> {
                Class<?> type =
                    Class.forName(
                        "dev.parmap.scopedvalues." + f.substring(0, f.length() - 6),
                        false,
                        ScopedValuePropagator.class.getClassLoader());
                assertThat(Modifier.isPublic(type.getModifiers()))
                    .as(type.getName())
                    .isEqualTo(type == ScopedValuePropagator.class);
              });
    }
    assertThat(Modifier.isFinal(ScopedValuePropagator.class.getModifiers())).isTrue();
    assertThat(
            Arrays.stream(ScopedValuePropagator.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(m -> m.getName())
                .sorted())
        .containsExactly("capture", "equals", "hashCode", "of", "toString");
  }

  @Test
  void theModuleExportsItsPackageAndReadsParmapAndTheJdk() throws Exception {
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }

    assertThat(module.name()).isEqualTo("dev.parmap.scopedvalues");
    assertThat(module.exports())
        .singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("dev.parmap.scopedvalues"));
    Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires =
        module.requires().stream()
            .collect(
                Collectors.toMap(
                    ModuleDescriptor.Requires::name, ModuleDescriptor.Requires::modifiers));
    assertThat(requires).containsOnlyKeys("java.base", "dev.parmap", "org.jspecify");
    assertThat(requires.get("dev.parmap"))
        .containsExactly(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("org.jspecify"))
        .containsExactly(ModuleDescriptor.Requires.Modifier.STATIC);
  }
}
