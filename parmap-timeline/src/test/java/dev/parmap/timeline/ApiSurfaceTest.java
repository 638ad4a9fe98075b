package dev.parmap.timeline;

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
    return Path.of(Timeline.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void thePublicTypesAreTimelineItsRowAndTimelineRecorder() throws Exception {
    List<String> publicTypes;
    try (Stream<Path> files = Files.list(classes().resolve("dev/parmap/timeline"))) {
      publicTypes =
          files
              .map(f -> f.getFileName().toString())
              .filter(f -> f.endsWith(".class") && !f.equals("package-info.class"))
              .map(f -> "dev.parmap.timeline." + f.substring(0, f.length() - ".class".length()))
              .filter(ApiSurfaceTest::isPublic)
              .sorted()
              .toList();
    }
    assertThat(publicTypes)
        .containsExactly(
            "dev.parmap.timeline.Timeline",
            "dev.parmap.timeline.Timeline$Row",
            "dev.parmap.timeline.TimelineRecorder");

    assertThat(publicMethods(Timeline.class))
        .containsExactly(
            "chunks()",
            "of(List,CallStats)",
            "rows()",
            "stats()",
            "toChromeTraceJson()",
            "toHtml()",
            "toString()",
            "writeChromeTrace(Path)",
            "writeHtml(Path)");
    assertThat(Timeline.class.getConstructors()).isEmpty();
    assertThat(Modifier.isFinal(Timeline.class.getModifiers())).isTrue();
    assertThat(publicMethods(TimelineRecorder.class))
        .containsExactly("onStart(CallInfo)", "timeline()", "timelines()");
    assertThat(Modifier.isFinal(TimelineRecorder.class.getModifiers())).isTrue();
  }

  @Test
  void theModuleExportsItsPackageAndReadsParmapJacksonCoreAndTheJdk() throws Exception {
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }

    assertThat(module.name()).isEqualTo("dev.parmap.timeline");
    assertThat(module.exports())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo("dev.parmap.timeline");
              assertThat(e.isQualified()).isFalse();
            });
    Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires =
        module.requires().stream()
            .collect(
                Collectors.toMap(
                    ModuleDescriptor.Requires::name, ModuleDescriptor.Requires::modifiers));
    assertThat(requires)
        .containsOnlyKeys("java.base", "dev.parmap", "com.fasterxml.jackson.core", "org.jspecify");
    assertThat(requires.get("dev.parmap"))
        .containsExactly(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("org.jspecify"))
        .containsExactly(ModuleDescriptor.Requires.Modifier.STATIC);
  }

  private static List<String> publicMethods(Class<?> type) {
    return Arrays.stream(type.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
        .map(ApiSurfaceTest::signature)
        .sorted()
        .toList();
  }

  private static String signature(Method method) {
    return method.getName()
        + Arrays.stream(method.getParameterTypes())
            .map(Class::getSimpleName)
            .collect(Collectors.joining(",", "(", ")"));
  }

  private static boolean isPublic(String className) {
    try {
      return Modifier.isPublic(Class.forName(className).getModifiers());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }
}
