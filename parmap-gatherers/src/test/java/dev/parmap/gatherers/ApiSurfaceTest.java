package dev.parmap.gatherers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Pins the public face of the module and what it depends on. */
class ApiSurfaceTest {

  private static Path classes() throws URISyntaxException {
    return Path.of(
        ParmapGatherers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theOnlyPublicTypeIsParmapGatherersWithItsTwoMapMethods() throws Exception {
    List<String> publicTypes;
    try (Stream<Path> files = Files.list(classes().resolve("dev/parmap/gatherers"))) {
      publicTypes =
          files
              .map(f -> f.getFileName().toString())
              .filter(f -> f.endsWith(".class") && !f.contains("$"))
              .map(f -> "dev.parmap.gatherers." + f.substring(0, f.length() - ".class".length()))
              .filter(ApiSurfaceTest::isPublic)
              .toList();
    }
    assertThat(publicTypes).containsExactly("dev.parmap.gatherers.ParmapGatherers");

    Class<ParmapGatherers> type = ParmapGatherers.class;
    assertThat(Modifier.isFinal(type.getModifiers())).isTrue();
    assertThat(type.getConstructors()).isEmpty();
    assertThat(
            Arrays.stream(type.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(ApiSurfaceTest::signature)
                .sorted())
        .containsExactly("map(Task)", "map(int,Task)");
  }

  @Test
  void theModuleExportsItsPackageAndReadsOnlyParmapCoreAndTheJdk() throws Exception {
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }

    assertThat(module.name()).isEqualTo("dev.parmap.gatherers");
    assertThat(module.exports())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo("dev.parmap.gatherers");
              assertThat(e.isQualified()).isFalse();
            });
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

  private static boolean isPublic(String className) {
    try {
      return Modifier.isPublic(Class.forName(className).getModifiers());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  private static String signature(Method m) {
    return m.getName()
        + Arrays.stream(m.getParameterTypes())
            .map(Class::getSimpleName)
            .collect(Collectors.joining(",", "(", ")"));
  }
}
