package dev.parmap.contextpropagation;

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
        ContextRegistryPropagator.class
            .getProtectionDomain()
            .getCodeSource()
            .getLocation()
            .toURI());
  }

  @Test
  void theOnlyPublicTypeIsContextRegistryPropagator() throws Exception {
    try (Stream<Path> files = Files.list(classes().resolve("dev/parmap/contextpropagation"))) {
      assertThat(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(f -> f.endsWith(".class") && !f.equals("package-info.class")))
          .allSatisfy(
              f -> {
                Class<?> type =
                    Class.forName(
                        "dev.parmap.contextpropagation." + f.substring(0, f.length() - 6),
                        false,
                        ContextRegistryPropagator.class.getClassLoader());
                assertThat(Modifier.isPublic(type.getModifiers()))
                    .as(type.getName())
                    .isEqualTo(type == ContextRegistryPropagator.class);
              });
    }
    assertThat(Modifier.isFinal(ContextRegistryPropagator.class.getModifiers())).isTrue();
    assertThat(
            Arrays.stream(ContextRegistryPropagator.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(m -> m.getName())
                .sorted())
        .containsExactly("capture", "toString");
    assertThat(ContextRegistryPropagator.class.getConstructors()).hasSize(2);
  }

  @Test
  void theModuleExportsItsPackageAndReadsParmapContextPropagationAndTheJdk() throws Exception {
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }

    assertThat(module.name()).isEqualTo("dev.parmap.contextpropagation");
    assertThat(module.exports())
        .singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("dev.parmap.contextpropagation"));
    Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires =
        module.requires().stream()
            .collect(
                Collectors.toMap(
                    ModuleDescriptor.Requires::name, ModuleDescriptor.Requires::modifiers));
    assertThat(requires)
        .containsOnlyKeys("java.base", "dev.parmap", "context.propagation", "org.jspecify");
    assertThat(requires.get("dev.parmap"))
        .containsExactly(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("context.propagation"))
        .containsExactly(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("org.jspecify"))
        .containsExactly(ModuleDescriptor.Requires.Modifier.STATIC);
  }
}
