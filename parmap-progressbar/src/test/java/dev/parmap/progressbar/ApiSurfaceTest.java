package dev.parmap.progressbar;

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

  private static final Set<Class<?>> PUBLIC_TYPES =
      Set.of(ConsoleProgress.class, ConsoleProgress.Builder.class, ConsoleProgress.Display.class);

  private static Path classes() throws Exception {
    return Path.of(
        ConsoleProgress.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void thePublicTypesAreConsoleProgressItsBuilderAndItsDisplayModes() throws Exception {
    try (Stream<Path> files = Files.list(classes().resolve("dev/parmap/progressbar"))) {
      assertThat(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(f -> f.endsWith(".class") && !f.equals("package-info.class")))
          .allSatisfy(
              f -> {
                Class<?> type =
                    Class.forName(
                        "dev.parmap.progressbar." + f.substring(0, f.length() - 6),
                        false,
                        ConsoleProgress.class.getClassLoader());
                assertThat(Modifier.isPublic(type.getModifiers()))
                    .as(type.getName())
                    .isEqualTo(PUBLIC_TYPES.contains(type));
              });
    }
    assertThat(Modifier.isFinal(ConsoleProgress.class.getModifiers())).isTrue();
    assertThat(
            Arrays.stream(ConsoleProgress.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(m -> m.getName())
                .sorted())
        .containsExactly("bar", "bar", "builder", "onStart", "toString");
    assertThat(
            Arrays.stream(ConsoleProgress.Builder.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(m -> m.getName())
                .sorted())
        .containsExactly("build", "display", "lineInterval", "name", "output");
  }

  @Test
  void theModuleExportsItsPackageAndReadsParmapTheProgressBarLibraryAndTheJdk() throws Exception {
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }

    assertThat(module.name()).isEqualTo("dev.parmap.progressbar");
    assertThat(module.exports())
        .singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("dev.parmap.progressbar"));
    Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires =
        module.requires().stream()
            .collect(
                Collectors.toMap(
                    ModuleDescriptor.Requires::name, ModuleDescriptor.Requires::modifiers));
    assertThat(requires)
        .containsOnlyKeys("java.base", "dev.parmap", "me.tongfei.progressbar", "org.jspecify");
    assertThat(requires.get("dev.parmap"))
        .containsExactly(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("org.jspecify"))
        .containsExactly(ModuleDescriptor.Requires.Modifier.STATIC);
  }
}
