package dev.parmap.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.testing.ModuleSurface;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins the public face of the module and what it depends on. */
class ApiSurfaceTest {

  @Test
  void thePublicTypesAreTimelineItsRowAndTimelineRecorder() throws Exception {
    assertThat(ModuleSurface.publicTypesOf(Timeline.class))
        .containsExactly(
            "dev.parmap.timeline.Timeline",
            "dev.parmap.timeline.Timeline$Row",
            "dev.parmap.timeline.TimelineRecorder");

    assertThat(ModuleSurface.publicSignaturesOf(Timeline.class))
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
    assertThat(ModuleSurface.publicSignaturesOf(TimelineRecorder.class))
        .containsExactly("onStart(CallInfo)", "timeline()", "timelines()");
    assertThat(Modifier.isFinal(TimelineRecorder.class.getModifiers())).isTrue();
  }

  @Test
  void theModuleExportsItsPackageAndReadsParmapJacksonCoreAndTheJdk() throws Exception {
    ModuleDescriptor module = ModuleSurface.descriptorOf(Timeline.class);

    assertThat(module.name()).isEqualTo("dev.parmap.timeline");
    assertThat(module.exports())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo("dev.parmap.timeline");
              assertThat(e.isQualified()).isFalse();
            });
    Map<String, Set<Requires.Modifier>> requires = ModuleSurface.requiresOf(module);
    assertThat(requires)
        .containsOnlyKeys("java.base", "dev.parmap", "com.fasterxml.jackson.core", "org.jspecify");
    assertThat(requires.get("dev.parmap")).containsExactly(Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("org.jspecify")).containsExactly(Requires.Modifier.STATIC);
  }
}
