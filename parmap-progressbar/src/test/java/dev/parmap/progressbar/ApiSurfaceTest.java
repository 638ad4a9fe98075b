package dev.parmap.progressbar;

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
  void thePublicTypesAreConsoleProgressItsBuilderAndItsDisplayModes() throws Exception {
    assertThat(ModuleSurface.publicTypesOf(ConsoleProgress.class))
        .containsExactlyInAnyOrder(
            ConsoleProgress.class.getName(),
            ConsoleProgress.Builder.class.getName(),
            ConsoleProgress.Display.class.getName());
    assertThat(Modifier.isFinal(ConsoleProgress.class.getModifiers())).isTrue();
    assertThat(ModuleSurface.publicMethodsOf(ConsoleProgress.class))
        .containsExactly("bar", "bar", "builder", "onStart", "toString");
    assertThat(ModuleSurface.publicMethodsOf(ConsoleProgress.Builder.class))
        .containsExactly("build", "display", "lineInterval", "name", "output");
  }

  @Test
  void theModuleExportsItsPackageAndReadsParmapTheProgressBarLibraryAndTheJdk() throws Exception {
    ModuleDescriptor module = ModuleSurface.descriptorOf(ConsoleProgress.class);

    assertThat(module.name()).isEqualTo("dev.parmap.progressbar");
    assertThat(module.exports())
        .singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("dev.parmap.progressbar"));
    Map<String, Set<Requires.Modifier>> requires = ModuleSurface.requiresOf(module);
    assertThat(requires)
        .containsOnlyKeys("java.base", "dev.parmap", "me.tongfei.progressbar", "org.jspecify");
    assertThat(requires.get("dev.parmap")).containsExactly(Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("org.jspecify")).containsExactly(Requires.Modifier.STATIC);
  }
}
